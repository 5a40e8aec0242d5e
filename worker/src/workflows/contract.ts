/**
 * The worker's own contract between its workflows and its activities (and package workers, which run the same
 * activities).  The run contract between the server and the worker — workflow input, names, run state, search
 * attributes — is `@pipewright/run-contract`.
 */

/** The activity type that runs I/O steps. */
export const RUN_STEP_ACTIVITY = 'runStep';
/**
 * A step running as a regular activity whose worker stops heartbeating for this long is taken as crashed and tried
 * again (after the node's retry interval), instead of after its whole timeout (60 s by default).  Only `runStep`
 * calls with a longer timeout get it.  Well past the worker's event loop stalls on large data: a 50 MB response of
 * 800,000 rows (`./pw bench large`) held it up to 1.7 s while parsed, measured and collected (3.3 s before the
 * blob offload stopped building a size tree), and 2 s failed that step on every try.  A worker whose event loop
 * stalls this long is taken as crashed, and the step goes again with the same idempotency key.
 */
export const STEP_HEARTBEAT_TIMEOUT_MS = 5_000;
/** How often a running step activity heartbeats (the worker's heartbeat throttle is set to the same). */
export const STEP_HEARTBEAT_EVERY_MS = 500;
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
/** Input of the `runStep` activity: plain JSON, recorded in history (so no secrets: credentials are ids). */
export interface RunStepInput {
  nodeId: string;
  type: string;
  typeVersion: number;
  input: unknown;
  idempotencyKey: string;
  /** The run's workspace: credentials named in the input (`credentials: { slot: id }`) are looked up in it. */
  workspaceId?: string;
  /**
   * Attempts this node already made elsewhere: the first attempt of a step runs as a local activity, its retries as
   * this activity, so attempt n of the activity is the node's attempt n + attemptsBefore.
   */
  attemptsBefore?: number;
}

export interface RunStepResult {
  output: unknown;
  /** The attempt that succeeded (1 = first try). */
  attempts: number;
  /** How long the successful attempt waited for its connector's rate limit (absent: no wait). */
  rateLimitWaitMs?: number;
}

/** What `runStep` puts in `details[0]` of the ApplicationFailure it throws: the workflow reads attempts from it. */
export interface RunStepFailureDetails {
  attempt: number;
  details?: unknown;
  /** The step asked to be retried after this long (a 429's Retry-After): the workflow honours it between attempts. */
  retryAfterMs?: number;
}
