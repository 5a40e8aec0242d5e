// Workflow code (deterministic): how a node's I/O step becomes activity calls.
import {
  type RunStepInput,
  type RunStepResult,
  STEP_HEARTBEAT_TIMEOUT_MS,
  STEP_PAUSED_FAILURE,
  type StepPause,
} from '@pipewright/run-contract';
import type { RemoteNodeRequest, RemoteNodeResult, StepActivityRequest, StepFailure } from '@pipewright/runtime';
import type { EvaluateNodeFn, RunStepFn, WaitWhilePausedFn } from '@pipewright/step-host';
import {
  ActivityFailure,
  ApplicationFailure,
  proxyActivities,
  proxyLocalActivities,
  sleep,
  TimeoutFailure,
  workflowInfo,
} from '@temporalio/workflow';
import { WORKER_CRASHES_FORGIVEN } from './contract.ts';

/**
 * A step whose timeout is at most this makes its first attempt as a local activity: run by this worker inside the
 * workflow task, recorded as one marker, instead of a scheduled activity (about 15 history events and a server round
 * trip each way).  Its retries, if any, are regular activities, each one recorded.  Longer steps are regular
 * activities from the start: a local activity holds its workflow task open (docs/adr/009).  Changing this value
 * changes the command a step issues, so runs in flight would fail replay: a new value needs a new start input.
 */
export const LOCAL_FIRST_ATTEMPT_MAX_MS = 60_000;

/**
 * How a run executes its steps, fixed when it starts (RunFlowInput.localTaskQueue, the loop chunk's second
 * argument).  Runs started before local first attempts existed lack it and replay with regular activities.  Not
 * `patched()`: that also upserts a search attribute, one more history event and visibility write a run.
 */
export interface StepExecution {
  workspaceId: string;
  /** The run's flow, for the step's log lines; absent in loop chunks. */
  flowId?: string | undefined;
  /** Steps on this task queue may run their first attempt locally; none when absent. */
  localTaskQueue: string | undefined;
  /** The run's local attempts so far (one tracker per run, see `mayRunLocally`). */
  local: LocalAttempts;
  /** A node starts (pause) or stops (undefined) waiting for a paused connector or credential: for the run view. */
  onPause?: (nodeId: string, pause: StepPause | undefined) => void;
}

/**
 * A local attempt's result is recorded in history only when the workflow task it finished in completes; a worker
 * that dies before that runs it again.  So at most one local attempt is unrecorded at a time: another step runs
 * locally only when none is in flight and the last one finished in an earlier workflow task (history has grown
 * since, so that task completed, marker and all).  A step completed before a crash is then never sent again — the
 * guarantee regular activities gave.  `historyLength` comes from history: the choice replays the same.
 */
export interface LocalAttempts {
  inFlight: number;
  /** `workflowInfo().historyLength` when the last local attempt settled. */
  lastSettledAt: number | undefined;
}

export const noLocalAttempts = (): LocalAttempts => ({ inFlight: 0, lastSettledAt: undefined });

function mayRunLocally(local: LocalAttempts): boolean {
  return (
    local.inFlight === 0 && (local.lastSettledAt === undefined || workflowInfo().historyLength > local.lastSettledAt)
  );
}

/**
 * Waits while an admin's pause holds a step back.  Only issued when an attempt was refused for a pause, so runs that
 * meet no pause — and every history recorded before pauses existed — issue the same commands as before.
 */
const { waitWhileStepPaused } = proxyActivities<{ waitWhileStepPaused: WaitWhilePausedFn }>({
  startToCloseTimeout: '35 minutes',
  heartbeatTimeout: '30 seconds',
  // No attempt limit: a worker that dies while the step waits is replaced, and the wait goes on.
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

/** An attempt the activity refused because the step's connector type or credential is paused. */
class PausedAttempt {
  readonly pause: StepPause;
  /** The node's attempt number that was refused: it is tried again, not used up. */
  readonly attempt: number;
  constructor(pause: StepPause, attempt: number) {
    this.pause = pause;
    this.attempt = attempt;
  }
}

/**
 * Runs a node's step with its retry policy; an attempt refused for a pause waits for the resume and is tried again
 * with the same number, so a pause never uses up attempts.
 */
export async function runStepActivity(request: StepActivityRequest, run: StepExecution): Promise<RunStepResult> {
  let attemptsBefore = 0;
  for (;;) {
    try {
      return await runStepAttempts(request, run, attemptsBefore);
    } catch (error) {
      if (!(error instanceof PausedAttempt)) throw error;
      attemptsBefore = error.attempt - 1;
      await waitForResume(request.nodeId, run, error.pause);
    }
  }
}

async function waitForResume(
  nodeId: string,
  run: Pick<StepExecution, 'workspaceId' | 'onPause'>,
  pause: StepPause,
): Promise<void> {
  run.onPause?.(nodeId, pause);
  try {
    while ((await waitWhileStepPaused({ workspaceId: run.workspaceId, pause })) !== 'resumed') {
      // The activity's time ran out with the pause still on: ask again.
    }
  } finally {
    run.onPause?.(nodeId, undefined);
  }
}

async function runStepAttempts(
  request: StepActivityRequest,
  run: StepExecution,
  attemptsBefore: number,
): Promise<RunStepResult> {
  const { workspaceId } = run;
  const input: RunStepInput = {
    nodeId: request.nodeId,
    type: request.type,
    typeVersion: request.typeVersion,
    input: request.input,
    idempotencyKey: request.idempotencyKey,
    workspaceId,
    ...(run.flowId === undefined ? {} : { flowId: run.flowId }),
  };
  if (attemptsBefore > 0) {
    // Back from a pause that refused a retry: the remaining attempts, regular activities as retries always are.
    return runStepRemotely({ ...input, attemptsBefore }, request, {
      maxAttempts: request.retry.maxAttempts - attemptsBefore,
      initialIntervalMs: request.retry.initialIntervalMs,
    });
  }
  if (!firstAttemptRunsLocally(request, run)) return runStepRemotely(input, request);

  const { runStep } = proxyLocalActivities<{ runStep: RunStepFn }>({
    startToCloseTimeout: request.timeoutMs,
    retry: { maximumAttempts: 1 },
  });
  let firstError: unknown;
  run.local.inFlight++;
  try {
    return await runStep(input);
  } catch (error) {
    firstError = error;
  } finally {
    run.local.inFlight--;
    run.local.lastSettledAt = workflowInfo().historyLength;
  }
  const paused = pausedAttemptOf(firstError);
  if (paused) throw paused;
  const once = { ...request, retry: { ...request.retry, maxAttempts: 1 } };
  if (request.retry.maxAttempts <= 1 || !isRetryable(firstError)) throw toStepFailure(firstError, once);
  // The node's retry schedule goes on where the first attempt left it: the first interval (or the step's
  // Retry-After), then the activity's own backoff from the second interval on.
  const { initialIntervalMs, backoffCoefficient, maxIntervalMs } = request.retry;
  await sleep(retryAfterMs(firstError) ?? initialIntervalMs);
  return runStepRemotely({ ...input, attemptsBefore: 1 }, request, {
    maxAttempts: request.retry.maxAttempts - 1,
    initialIntervalMs: Math.min(initialIntervalMs * backoffCoefficient, maxIntervalMs),
  });
}

/**
 * A local activity runs on the run's own worker: only steps of the run's task queue, only short ones, and one
 * unrecorded at a time.
 */
function firstAttemptRunsLocally(request: StepActivityRequest, run: StepExecution): boolean {
  return (
    request.taskQueue === run.localTaskQueue &&
    request.timeoutMs <= LOCAL_FIRST_ATTEMPT_MAX_MS &&
    mayRunLocally(run.local)
  );
}

async function runStepRemotely(
  input: RunStepInput,
  request: StepActivityRequest,
  remaining: { maxAttempts: number; initialIntervalMs: number } = request.retry,
  crashesForgiven = 0,
): Promise<RunStepResult> {
  const { runStep } = proxyActivities<{ runStep: RunStepFn }>({
    taskQueue: request.taskQueue,
    startToCloseTimeout: request.timeoutMs,
    ...heartbeatTimeoutFor(request.timeoutMs),
    retry: {
      maximumAttempts: remaining.maxAttempts,
      initialInterval: remaining.initialIntervalMs,
      backoffCoefficient: request.retry.backoffCoefficient,
      maximumInterval: request.retry.maxIntervalMs,
    },
  });
  try {
    return await runStep(input);
  } catch (error) {
    const paused = pausedAttemptOf(error);
    if (paused) throw paused;
    if (diedWithItsWorker(error) && crashesForgiven < WORKER_CRASHES_FORGIVEN) {
      // The last attempt died with its worker, not of the step: one more, numbered as the attempt it replaces.
      const attemptsBefore = (input.attemptsBefore ?? 0) + remaining.maxAttempts - 1;
      const once = { maxAttempts: 1, initialIntervalMs: remaining.initialIntervalMs };
      return runStepRemotely({ ...input, attemptsBefore }, request, once, crashesForgiven + 1);
    }
    throw toStepFailure(error, request);
  }
}

/** Steps longer than the heartbeat timeout heartbeat (activities/run-step.ts): a dead worker is noticed in seconds. */
function heartbeatTimeoutFor(timeoutMs: number): { heartbeatTimeout?: number } {
  return timeoutMs > STEP_HEARTBEAT_TIMEOUT_MS ? { heartbeatTimeout: STEP_HEARTBEAT_TIMEOUT_MS } : {};
}

/** The activity's last attempt timed out waiting for a heartbeat: its worker died (or stalled), the step did not fail. */
function diedWithItsWorker(error: unknown): boolean {
  return (
    error instanceof ActivityFailure && error.cause instanceof TimeoutFailure && error.cause.timeoutType === 'HEARTBEAT'
  );
}

/** A node whose expressions read large values kept by reference: evaluated (and run) in an activity. */
export async function evaluateNodeActivity(
  request: RemoteNodeRequest,
  workspaceId: string,
  run?: Pick<StepExecution, 'workspaceId' | 'onPause'>,
): Promise<RemoteNodeResult> {
  for (;;) {
    try {
      return await evaluateNodeOnce(request, workspaceId);
    } catch (error) {
      if (!(error instanceof PausedAttempt)) throw error;
      // The activity's own attempt count starts again after the wait (it has no `attemptsBefore`).
      await waitForResume(request.node.id, run ?? { workspaceId }, error.pause);
    }
  }
}

async function evaluateNodeOnce(request: RemoteNodeRequest, workspaceId: string): Promise<RemoteNodeResult> {
  const { node } = request;
  const { evaluateNode } = proxyActivities<{ evaluateNode: EvaluateNodeFn }>({
    taskQueue: node.taskQueue,
    startToCloseTimeout: node.timeoutMs,
    // No heartbeat timeout: evaluating expressions over large values is CPU work that can hold the event loop (and
    // its heartbeats) for seconds; a crash here is noticed by the start-to-close timeout.
    retry: {
      maximumAttempts: node.retry.maxAttempts,
      initialInterval: node.retry.initialIntervalMs,
      backoffCoefficient: node.retry.backoffCoefficient,
      maximumInterval: node.retry.maxIntervalMs,
    },
  });
  try {
    return await evaluateNode({ ...request, workspaceId });
  } catch (error) {
    const paused = pausedAttemptOf(error);
    if (paused) throw paused;
    throw toStepFailure(error, { retry: node.retry, timeoutMs: node.timeoutMs });
  }
}

/**
 * What made an activity call fail: a regular activity rejects with an ActivityFailure around it, a local activity
 * with the failure itself.  Anything else (the run was cancelled, a bug) is no step failure.
 */
function causeOf(error: unknown): ApplicationFailure | TimeoutFailure | undefined {
  const cause = error instanceof ActivityFailure ? error.cause : error;
  return cause instanceof ApplicationFailure || cause instanceof TimeoutFailure ? cause : undefined;
}

/** A failed attempt that another attempt could fix: a retryable step error, or a timeout. */
function isRetryable(error: unknown): boolean {
  const cause = causeOf(error);
  return cause instanceof ApplicationFailure ? !cause.nonRetryable : cause instanceof TimeoutFailure;
}

/** The activity's failure details (RunStepFailureDetails), when it sent them. */
function failureDetails(error: unknown): Record<string, unknown> | undefined {
  const cause = causeOf(error);
  const first: unknown = cause instanceof ApplicationFailure ? cause.details?.[0] : undefined;
  return typeof first === 'object' && first !== null ? (first as Record<string, unknown>) : undefined;
}

/** The pause that refused this attempt (an ApplicationFailure of type STEP_PAUSED_FAILURE), if that is what it was. */
function pausedAttemptOf(error: unknown): PausedAttempt | undefined {
  const cause = causeOf(error);
  if (!(cause instanceof ApplicationFailure) || cause.type !== STEP_PAUSED_FAILURE) return undefined;
  const details = failureDetails(error);
  const paused = details?.paused;
  const attempt = details?.attempt;
  if (typeof paused !== 'object' || paused === null || typeof attempt !== 'number') return undefined;
  const { kind, id } = paused as { kind?: unknown; id?: unknown };
  if ((kind !== 'connector' && kind !== 'credential') || typeof id !== 'string') return undefined;
  return new PausedAttempt({ kind, id }, attempt);
}

function retryAfterMs(error: unknown): number | undefined {
  const value = failureDetails(error)?.retryAfterMs;
  return typeof value === 'number' && value >= 0 ? value : undefined;
}

/** The StepFailure the runtime records for a node, from what the activity call rejected with. */
function toStepFailure(
  error: unknown,
  request: Pick<StepActivityRequest, 'retry' | 'timeoutMs'>,
): StepFailure | unknown {
  const cause = causeOf(error);
  if (!(error instanceof ActivityFailure) && cause === undefined) return error;
  const retriesExhausted = error instanceof ActivityFailure && error.retryState === 'MAXIMUM_ATTEMPTS_REACHED';
  const attemptsIfUnknown = retriesExhausted ? request.retry.maxAttempts : 1;
  if (cause instanceof ApplicationFailure) {
    const first = failureDetails(error);
    const attempt = typeof first?.attempt === 'number' ? first.attempt : undefined;
    const failure: StepFailure = { message: cause.message, attempts: attempt ?? attemptsIfUnknown };
    if (first && 'details' in first && first.details !== undefined) failure.details = first.details;
    return failure;
  }
  if (cause instanceof TimeoutFailure && cause.timeoutType === 'HEARTBEAT') {
    return {
      message: `the step's worker stopped responding (no heartbeat for ${STEP_HEARTBEAT_TIMEOUT_MS} ms), on every try`,
      attempts: attemptsIfUnknown,
    } satisfies StepFailure;
  }
  if (cause instanceof TimeoutFailure) {
    return {
      message: `the step did not finish within ${request.timeoutMs} ms`,
      attempts: attemptsIfUnknown,
    } satisfies StepFailure;
  }
  return {
    message: error instanceof Error ? (error.cause instanceof Error ? error.cause : error).message : String(error),
    attempts: attemptsIfUnknown,
  } satisfies StepFailure;
}
