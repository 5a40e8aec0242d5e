import type { QueryDefinition, SignalDefinition } from '@temporalio/common';
import type { ExecutionPlan } from './plan.ts';
import type { RunPriority } from './run-priority.ts';
import type { RunState } from './run-state.ts';

/**
 * How the server (and schedules, triggers, sub-flows, error handlers) starts and observes a run of the worker's
 * `runFlow` workflow, without importing the workflow bundle.
 * Start: `client.workflow.start(RUN_FLOW_WORKFLOW, { taskQueue: DEFAULT_TASK_QUEUE, workflowId, args: [input] })`.
 * Observe: `handle.query(stateQuery)`.  A failed run rejects `handle.result()` with a WorkflowFailedError whose
 * `cause` is an ApplicationFailure of type FLOW_RUN_FAILED carrying the final RunState as `details[0]`
 * (see `finalStateOfFailure`).
 */

export const RUN_FLOW_WORKFLOW = 'runFlow';
/** Child workflow type that runs one slice of a long loop (started by the worker's own `runFlow`). */
export const LOOP_CHUNK_WORKFLOW = 'runLoopChunk';
/**
 * The start options every start of `runFlow` uses (server, schedules, triggers, sub-flows, error handlers):
 * - the plan's run timeout (flow settings → run timeout): Temporal ends the run as timed out when it passes;
 * - a short workflow task timeout.  A step's local first attempt holds the workflow task open, and the worker
 *   heartbeats it at 80 % of this timeout: only then can a state query (the live run view) be answered, and a crashed
 *   worker's step is tried again after this long;
 * - the run's lane and fair share (`run.priority`, docs/adr/027), when it has one.
 */
export function runStartOptions(
  plan: Pick<ExecutionPlan, 'runTimeoutMs'>,
  priority?: RunPriority | undefined,
): {
  workflowTaskTimeout: number;
  workflowExecutionTimeout?: number;
  priority?: RunPriority;
} {
  return {
    workflowTaskTimeout: RUN_WORKFLOW_TASK_TIMEOUT_MS,
    ...(plan.runTimeoutMs === undefined ? {} : { workflowExecutionTimeout: plan.runTimeoutMs }),
    ...(priority === undefined ? {} : { priority }),
  };
}
/** Queries wait at most this × 0.8 while a step runs (the server's state query deadline is 5 s). */
export const RUN_WORKFLOW_TASK_TIMEOUT_MS = 3_000;
export const DEFAULT_TASK_QUEUE = 'pipewright-core';
export const STATE_QUERY_NAME = 'state';
/** The ApplicationFailure type a workflow fails with when a node failed; details[0] is the final RunState. */
export const FLOW_RUN_FAILED = 'FlowRunFailed';

/** What started a run; `subflow`: a Sub-flow node, `error`: a flow-level error handler (see ErrorHandlerTrigger). */
export type RunKind = 'webhook' | 'manual' | 'error' | 'schedule' | 'subflow' | 'poll' | 'message';

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
    kind: RunKind;
    resumeUrls?: Record<string, string>;
    /**
     * When the server accepted the run (epoch ms: a webhook's 202, an API start), before any wait in its queue:
     * where the dashboards' freshness counts from.  Absent for runs a workflow starts (sub-flows, error handlers,
     * schedules), whose start is their trigger's moment.
     */
    acceptedAt?: number;
    /**
     * The run's lane and fair share on Temporal's task queue (docs/adr/027), set by whoever starts it; a coordinator
     * starts the runs it is handed with it.  Absent: lanes are off, or a workflow started the run (its children
     * inherit their parent's).
     */
    priority?: RunPriority;
  };
  /**
   * The task queue the run was started on: short steps on it make their first attempt as a local activity
   * (docs/adr/009).  Every start sets it; runs started before it existed lack it and go on (and replay) with regular
   * activities only.  Carried in the input, not read from the workflow's info, so a replay elsewhere decides alike.
   */
  localTaskQueue?: string;
  /** A retry from the failed step: what the failed run's succeeded nodes output, reused instead of run again. */
  seed?: RunSeed;
}

/**
 * The nodes a retry does not run again (the failed run's succeeded ones): each node's output and the ports it fired
 * (absent: `out`, or unknown for a node with other ports — such a node runs again).
 */
export interface RunSeed {
  fromRunId: string;
  nodes: Record<string, { output: unknown; ports?: string[] }>;
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

// Plain definitions (what `defineSignal`/`defineQuery` return), so the server needs no workflow SDK to use them.
export const resumeSignal = { type: 'signal', name: RESUME_SIGNAL_NAME } as SignalDefinition<[ResumeEvent]>;

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

export const stateQuery = { type: 'query', name: STATE_QUERY_NAME } as QueryDefinition<RunState>;

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
