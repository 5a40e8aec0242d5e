import type { ExecutionPlan, RunSeed } from '@pipewright/run-contract';

/** What a plan runs with: the plan, its trigger's output, the run, and — for a loop body — the loop's scope. */
export interface ExecutePlanInput {
  plan: ExecutionPlan;
  /** The trigger node's output (e.g. the webhook request). */
  trigger: unknown;
  run: {
    id: string;
    workspaceId: string;
    /** Signed resume links of this run's event Waits, by node id (`run.resumeUrls.<nodeId>` in expressions). */
    resumeUrls?: Record<string, string> | undefined;
  };
  /**
   * A loop body's surroundings: the loop's context (`trigger`, `steps`, `run`) plus `item` and `index`.  Body nodes
   * see these, with the body's own outputs added to `steps`.
   */
  scope?: Record<string, unknown> | undefined;
  /** A retry from the failed step: nodes not run again, their outputs reused (`seededNodes`). */
  seed?: RunSeed | undefined;
}
