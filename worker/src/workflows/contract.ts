import type { ExecutionPlan } from '@pipewright/compiler';
import type { RunState } from '@pipewright/runtime';
import { defineQuery, defineSignal } from '@temporalio/workflow';

/**
 * What the server needs to start and observe runs, without importing the workflow bundle.
 * Start: `client.workflow.start(RUN_FLOW_WORKFLOW, { taskQueue: DEFAULT_TASK_QUEUE, workflowId, args: [input] })`.
 * Observe: `handle.query(stateQuery)`.  A failed run rejects `handle.result()` with a WorkflowFailedError whose
 * `cause` is an ApplicationFailure of type FLOW_RUN_FAILED carrying the final RunState as `details[0]`
 * (see `finalStateOfFailure`).
 */

export const RUN_FLOW_WORKFLOW = 'runFlow';

/**
 * The start options every start of `runFlow` uses (server, schedules, triggers, sub-flows, error handlers):
 * - the plan's run timeout (flow settings → run timeout): Temporal ends the run as timed out when it passes;
 * - a short workflow task timeout.  A step's local first attempt holds the workflow task open, and the worker
 *   heartbeats it at 80 % of this timeout: only then can a state query (the live run view) be answered, and a crashed
 *   worker's step is tried again after this long.
 */
export function runStartOptions(plan: Pick<ExecutionPlan, 'runTimeoutMs'>): {
  workflowTaskTimeout: number;
  workflowExecutionTimeout?: number;
} {
  return {
    workflowTaskTimeout: RUN_WORKFLOW_TASK_TIMEOUT_MS,
    ...(plan.runTimeoutMs === undefined ? {} : { workflowExecutionTimeout: plan.runTimeoutMs }),
  };
}
/** Queries wait at most this × 0.8 while a step runs (the server's state query deadline is 5 s). */
export const RUN_WORKFLOW_TASK_TIMEOUT_MS = 3_000;
export const DEFAULT_TASK_QUEUE = 'pipewright-core';
export const STATE_QUERY_NAME = 'state';
/** The ApplicationFailure type a workflow fails with when a node failed; details[0] is the final RunState. */
export const FLOW_RUN_FAILED = 'FlowRunFailed';
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

export interface RunFlowInput {
  plan: ExecutionPlan;
  /** The trigger node's output (the webhook request, or the manual payload). */
  trigger: unknown;
  /**
   * `error`: a flow-level error handler, started by a failed run (see ErrorHandlerTrigger); `subflow`: started by a
   * Sub-flow node.  `resumeUrls`: the signed resume link of each event Wait (node id → URL), computed by the server
   * at start so a step before the wait can send it (`run.resumeUrls.<nodeId>` in expressions).
   */
  run: {
    id: string;
    workspaceId: string;
    kind: 'webhook' | 'manual' | 'error' | 'schedule' | 'subflow' | 'poll' | 'message';
    resumeUrls?: Record<string, string>;
  };
  /**
   * The task queue the run was started on: short steps on it make their first attempt as a local activity
   * (docs/adr/009).  Every start sets it; runs started before it existed lack it and go on (and replay) with regular
   * activities only.  Carried in the input, not read from the workflow's info, so a replay elsewhere decides alike.
   */
  localTaskQueue?: string;
}

/**
 * Child workflow type that runs one slice of a long loop (arguments LoopChunkRequest and LoopChunkExecution, result
 * LoopChunkResult).
 */
export const LOOP_CHUNK_WORKFLOW = 'runLoopChunk';
/** The loop chunk's second argument: set by every start; chunks started before it existed have none. */
export interface LoopChunkExecution {
  /** As RunFlowInput.localTaskQueue. */
  localTaskQueue?: string;
}
export const RESUME_SIGNAL_NAME = 'resume';

/**
 * Wakes an event Wait of a run: `nodeId` addresses one node (signed resume URLs carry it), `eventName` the waits
 * with that name; with neither, the first wait.  A resume that arrives before any wait matches is kept until one
 * does (an approval link may be clicked before the run reaches its wait).
 */
export interface ResumeEvent {
  nodeId?: string;
  eventName?: string;
  payload: unknown;
}

export const resumeSignal = defineSignal<[ResumeEvent]>(RESUME_SIGNAL_NAME);

/** Workflow id of the error handler run a failed run starts: derived, so a retried failure starts it once. */
export const errorHandlerWorkflowId = (runId: string) => `${runId}-error-handler`;

/** The trigger output an error handler flow receives: what failed, where, and why. */
export interface ErrorHandlerTrigger {
  failedRun: {
    runId: string;
    flowId: string;
    version: number;
    error: { nodeId: string; message: string } | null;
    nodes: Record<string, { status: string; error?: { message: string; details?: unknown } }>;
  };
}

export const stateQuery = defineQuery<RunState>(STATE_QUERY_NAME);

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

/**
 * The final RunState of a failed run, from the error `handle.result()` rejected with (a WorkflowFailedError), or
 * undefined when the error is something else (e.g. the workflow was terminated).
 */
export function finalStateOfFailure(error: unknown): RunState | undefined {
  const cause = typeof error === 'object' && error !== null && 'cause' in error ? error.cause : undefined;
  if (typeof cause !== 'object' || cause === null) return undefined;
  if (!('type' in cause) || cause.type !== FLOW_RUN_FAILED || !('details' in cause)) return undefined;
  const details = cause.details;
  if (!Array.isArray(details)) return undefined;
  const state: unknown = details[0];
  return isRunState(state) ? state : undefined;
}

function isRunState(value: unknown): value is RunState {
  return (
    typeof value === 'object' &&
    value !== null &&
    'status' in value &&
    'nodes' in value &&
    typeof value.nodes === 'object'
  );
}
