import type { RunReportWriter } from './run-report-writer.ts';

/** What a step host reports of each attempt (structurally `StepAttemptReport` of @pipewright/step-host). */
export interface AttemptReport {
  workspaceId: string;
  flowId?: string;
  nodeId: string;
  tooManyRequests: boolean;
}

export interface AttemptSink<Report extends AttemptReport> {
  stepAttempt(report: Report): void;
}

/**
 * Each step attempt goes to `metrics` (Prometheus, when on) and, when the called service answered 429, to the
 * health rollups: a workflow sees only a step's last attempt, so the 429s of retried attempts are counted where they
 * happen — in the core worker and in each package worker alike.
 */
export function withThrottledAttempts<Report extends AttemptReport>(
  metrics: AttemptSink<Report> | undefined,
  writer: Pick<RunReportWriter, 'addThrottled'> | undefined,
): AttemptSink<Report> | undefined {
  if (!metrics && !writer) return undefined;
  return {
    stepAttempt(report) {
      metrics?.stepAttempt(report);
      if (report.tooManyRequests && report.flowId !== undefined) {
        const { workspaceId, flowId, nodeId } = report;
        writer?.addThrottled({ workspaceId, flowId, nodeId, at: Date.now() });
      }
    },
  };
}
