// Workflow code, bundled only into the replay test's bundle (replay-support.ts): deterministic, no Node imports.
import {
  ApplicationFailure,
  type Next,
  proxySinks,
  type Sinks,
  type WorkflowExecuteInput,
  type WorkflowInboundCallsInterceptor,
  type WorkflowInterceptorsFactory,
} from '@temporalio/workflow';

/**
 * Reports how each replayed workflow ended — its result, or the details of the failure it threw — so the replay test
 * can compare it with the outcome its history recorded.  Temporal matches commands by type and sequence number only,
 * so two activities of the same type started in the opposite order replay without complaint, each getting the
 * other's recorded result; the outcome is where that shows.
 */
export interface OutcomeSinks extends Sinks {
  outcome: {
    completed(result: unknown): void;
    failed(details: unknown): void;
  };
}

const { outcome } = proxySinks<OutcomeSinks>();

class ReportOutcome implements WorkflowInboundCallsInterceptor {
  async execute(input: WorkflowExecuteInput, next: Next<WorkflowInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    try {
      const result = await next(input);
      outcome.completed(result);
      return result;
    } catch (error) {
      outcome.failed(error instanceof ApplicationFailure ? (error.details?.[0] ?? null) : null);
      throw error;
    }
  }
}

export const interceptors: WorkflowInterceptorsFactory = () => ({ inbound: [new ReportOutcome()] });
