import type { RunReport } from '@pipewright/operations';
import type { Sinks } from '@temporalio/workflow';

/**
 * The core worker's own settings shared by its workflows and its startup.  The step activity's contract (shared
 * with package workers) and the run contract between the server and the worker are `@pipewright/run-contract`.
 */

/**
 * How many times a step's last attempt may end in a heartbeat timeout (its worker died) and be tried once more
 * without counting as one of the node's attempts.  Bounded: a step that blocks its worker's event loop looks the same.
 */
export const WORKER_CRASHES_FORGIVEN = 2;
/**
 * How long a run's next workflow task waits on its worker's sticky queue (that worker has the run cached) before
 * any worker may take it from the shared queue, replaying the run's history.  Short, because a crashed worker's
 * sticky queue is never polled again; long enough that a busy live worker keeps its cached runs.
 */
export const STICKY_QUEUE_TIMEOUT_MS = 3_000;

/** The loop chunk's second argument: set by every start; chunks started before it existed have none. */
export interface LoopChunkExecution {
  /** As RunFlowInput.localTaskQueue. */
  localTaskQueue?: string;
}

/**
 * How a run reports itself to the worker's metrics: workflow code cannot touch a registry (it is replayed, in a
 * sandbox), so it calls these sinks, which the worker runs outside the sandbox and never during replay.  A workflow
 * task that fails after the call and runs again calls it again: the counts are for dashboards, not billing.
 */
export interface RunMetricsSinks extends Sinks {
  runMetrics: {
    /** `acceptedAt`: the server's accept time (RunFlowInput.run), for the waiting-runs counts. */
    started(record: { workspaceId: string; flowId: string; trigger: string; acceptedAt?: number }): void;
    /**
     * `report`: the run's health report (@pipewright/operations), built here in workflow code from the final state
     * and carried by this same call — one sink call per run end, whatever reads it.
     */
    finished(record: { workspaceId: string; flowId: string; status: 'succeeded' | 'failed'; report?: RunReport }): void;
  };
}
