import type { ExecutionPlan, RunState } from '@pipewright/run-contract';

/**
 * What a finished run reports for the health dashboards: computed in workflow code from the final RunState and the
 * plan (so it is deterministic and small), handed to the worker through the `runMetrics.finished` sink, and rolled
 * up there.  Ids, enums, numbers and the failing node's error only: messages in the run state are secret-free
 * already, and capped here.
 */
export interface RunReport {
  runId: string;
  workspaceId: string;
  flowId: string;
  version: number;
  /** What started the run (RunKind: webhook, manual, schedule…). */
  trigger: string;
  status: 'succeeded' | 'failed';
  /** Workflow time, epoch ms. */
  startedAt: number;
  endedAt: number;
  /**
   * When the run's trigger event was taken in: the server's accept (a webhook's 202), so a wait in the run queue
   * counts; for runs a workflow starts itself (schedules, sub-flows), the workflow's start.  Freshness is measured
   * from here to `lastStepEndedAt`.
   */
  triggeredAt: number;
  /** When the run's last I/O step ended (absent: it ran none). */
  lastStepEndedAt?: number;
  /** Every I/O step (`runsIn: activity`) of the plan's top level that ran, in plan order. */
  steps: StepReport[];
  /** Set when the run failed: where and why. */
  failure?: RunFailureReport;
}

export interface StepReport {
  nodeId: string;
  /**
   * The step type; its connector is derived from it where the worker's step list is known (`builtinConnectorLabel`
   * of @pipewright/metrics: workflow code cannot know which types are built in).
   */
  stepType: string;
  title: string;
  durationMs: number;
  attempts: number;
  retries: number;
  failed: boolean;
  rateLimitWaitMs: number;
}

/**
 * One step attempt the called service answered 429 Too Many Requests, reported by the worker that ran it (the step
 * host's metrics port): a workflow sees only a step's last attempt, so 429s of retried attempts are counted here.
 */
export interface Throttled {
  workspaceId: string;
  flowId: string;
  nodeId: string;
  /** Epoch ms. */
  at: number;
}

export interface RunFailureReport {
  nodeId: string;
  nodeType: string;
  nodeTitle: string;
  /** From the error's details: their `code` when a string, else `HTTP <status>`. */
  errorCode?: string;
  /** At most MAX_ERROR_MESSAGE characters. */
  errorMessage: string;
}

export const MAX_ERROR_MESSAGE = 500;

export interface RunReportInput {
  plan: Pick<ExecutionPlan, 'flowId' | 'version' | 'nodes'>;
  state: RunState;
  run: { id: string; workspaceId: string; kind: string; acceptedAt?: number };
  /** Workflow time when the run ended, used when the state has no `endedAt`. */
  now: number;
}

/**
 * The run's report, from its final state and its plan (pure: no clock, no I/O).
 *
 * @example buildRunReport({ plan, state, run: input.run, now: Date.now() }) // in workflow code, Date.now() is replay-safe
 */
export function buildRunReport({ plan, state, run, now }: RunReportInput): RunReport {
  const endedAt = state.endedAt ?? now;
  const steps: StepReport[] = [];
  let lastStepEndedAt: number | undefined;
  for (const node of plan.nodes) {
    if (node.runsIn !== 'activity') continue;
    const nodeState = state.nodes[node.id];
    if (!nodeState || (nodeState.status !== 'succeeded' && nodeState.status !== 'failed')) continue;
    // A node reused from the run a retry started from did not run here.
    if (nodeState.attempts < 1 || ('reused' in nodeState && nodeState.reused === true)) continue;
    const ended = nodeState.endedAt ?? endedAt;
    const started = nodeState.startedAt ?? ended;
    if (lastStepEndedAt === undefined || ended > lastStepEndedAt) lastStepEndedAt = ended;
    steps.push({
      nodeId: node.id,
      stepType: node.type,
      title: node.title,
      durationMs: Math.max(0, ended - started),
      attempts: nodeState.attempts,
      retries: Math.max(0, nodeState.attempts - 1),
      failed: nodeState.status === 'failed' || nodeState.continuedOnError === true,
      rateLimitWaitMs: Math.max(0, nodeState.rateLimitWaitMs ?? 0),
    });
  }
  const report: RunReport = {
    runId: run.id,
    workspaceId: run.workspaceId,
    flowId: plan.flowId,
    version: plan.version,
    trigger: run.kind,
    status: state.status === 'failed' ? 'failed' : 'succeeded',
    startedAt: state.startedAt,
    triggeredAt: Math.min(run.acceptedAt ?? state.startedAt, state.startedAt),
    endedAt: Math.max(endedAt, state.startedAt),
    steps,
  };
  if (lastStepEndedAt !== undefined) report.lastStepEndedAt = lastStepEndedAt;
  if (report.status === 'failed') report.failure = failureOf(plan, state);
  return report;
}

function failureOf(plan: RunReportInput['plan'], state: RunState): RunFailureReport {
  const nodeId = state.error?.nodeId ?? '';
  const node = plan.nodes.find((candidate) => candidate.id === nodeId);
  const details = state.nodes[nodeId]?.error?.details;
  const code = codeOf(details);
  return {
    nodeId,
    nodeType: node?.type ?? '',
    nodeTitle: node?.title ?? nodeId,
    ...(code === undefined ? {} : { errorCode: code }),
    errorMessage: (state.error?.message ?? 'the run failed').slice(0, MAX_ERROR_MESSAGE),
  };
}

function statusOf(details: unknown): unknown {
  return typeof details === 'object' && details !== null && 'status' in details ? details.status : undefined;
}

function codeOf(details: unknown): string | undefined {
  if (typeof details !== 'object' || details === null) return undefined;
  if ('code' in details && typeof details.code === 'string' && details.code.length > 0) {
    return details.code.slice(0, 100);
  }
  const status = statusOf(details);
  return typeof status === 'number' ? `HTTP ${status}` : undefined;
}
