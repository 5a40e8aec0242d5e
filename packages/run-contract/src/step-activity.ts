/**
 * The contract between the workflow that runs a flow and the `runStep` activity that runs its I/O steps — in the core
 * worker and in package workers (packages/step-worker), which serve the same activity on their own task queues.
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
/** Input of the `runStep` activity: plain JSON, recorded in history (so no secrets: credentials are ids). */
export interface RunStepInput {
  nodeId: string;
  type: string;
  typeVersion: number;
  input: unknown;
  idempotencyKey: string;
  /** The run's workspace: credentials named in the input (`credentials: { slot: id }`) are looked up in it. */
  workspaceId?: string;
  /** The run's flow: every log line of the attempt carries it (absent in attempts scheduled before it was sent). */
  flowId?: string;
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
  /** When the successful attempt started (epoch ms) and how long it took: the run view's attempt list. */
  startedAt?: number;
  durationMs?: number;
  /** A local attempt's node (its marker in history names no node; a regular activity's input does). */
  nodeId?: string;
  /** The failed attempts of this activity before this one (Temporal keeps only the last failure of a retried one). */
  earlier?: EarlierAttempt[];
}

/** A failed attempt as the next attempt of the same activity carries it (step-host step-attempt.ts). */
export interface EarlierAttempt {
  /** The node's attempt number. */
  attempt: number;
  startedAt: number;
  durationMs: number;
  /** Scrubbed of secrets like every step error; at most 300 characters. */
  message: string;
  type?: string;
  retryable: boolean;
}

/** What `runStep` puts in `details[0]` of the ApplicationFailure it throws: the workflow reads attempts from it. */
export interface RunStepFailureDetails {
  attempt: number;
  /**
   * When the failed attempt started (epoch ms), how long it took and its node: Temporal keeps an attempt's failure
   * (a local attempt's marker, a retried activity's last failure) but not its timing, nor a local attempt's node.
   */
  startedAt?: number;
  durationMs?: number;
  nodeId?: string;
  /** The failed attempts of this activity before this one, as in RunStepResult. */
  earlier?: EarlierAttempt[];
  details?: unknown;
  /** The step asked to be retried after this long (a 429's Retry-After): the workflow honours it between attempts. */
  retryAfterMs?: number;
  /**
   * The attempt did not run: its connector type or a credential it uses is paused in the workspace (failure type
   * STEP_PAUSED_FAILURE).  `attempt` is not used up: the workflow waits for the resume and tries it again.
   */
  paused?: StepPause;
}

/** What an admin paused for a whole workspace: a connector type (`http`, `postgres`…) or one credential. */
export interface StepPause {
  kind: 'connector' | 'credential';
  /** The connector type, or the credential id. */
  id: string;
}

/**
 * Where the server keeps an admin's pauses and workers read them: one small document per paused connector type or
 * credential, `_id` = `stepPauseIdOf(…)` — only what is paused now, so a workspace's pauses are a cheap read.
 */
export const STEP_PAUSES_COLLECTION = 'step_pauses';

export const stepPauseIdOf = (workspaceId: string, pause: StepPause): string =>
  `${pause.kind}:${workspaceId}:${pause.id}`;

/** The ApplicationFailure type of an attempt refused because its connector or credential is paused. */
export const STEP_PAUSED_FAILURE = 'StepPaused';
/** The activity that returns once a pause is lifted (or after a while, to be called again). */
export const WAIT_WHILE_PAUSED_ACTIVITY = 'waitWhileStepPaused';

export interface WaitWhilePausedInput {
  workspaceId: string;
  pause: StepPause;
}

/** `resumed`: the pause is gone; `stillPaused`: the activity's time is up, the workflow calls it again. */
export type WaitWhilePausedResult = 'resumed' | 'stillPaused';
