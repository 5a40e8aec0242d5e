// The workflow bundle entry: deterministic code only (no Node imports; types from activities are erased).
import {
  createInitialState,
  executePlan,
  type RunEffects,
  type RunState,
  type StepActivityRequest,
  type StepFailure,
} from '@pipewright/runtime';
import { ActivityFailure, ApplicationFailure, proxyActivities, setHandler, TimeoutFailure } from '@temporalio/workflow';
import type { RunStepFn } from '../activities/run-step.ts';
import { FLOW_RUN_FAILED, type RunFlowInput, type RunStepResult, stateQuery } from './contract.ts';

export { stateQuery } from './contract.ts';

/** One run of a published (or draft) flow: interprets the plan with the runtime; I/O steps are `runStep` activities. */
export async function runFlow(input: RunFlowInput): Promise<RunState> {
  // Date.now() is workflow time here: deterministic on replay.
  const state = createInitialState(input.plan, Date.now());
  setHandler(stateQuery, () => state);

  const effects: RunEffects = {
    now: () => Date.now(),
    executeStep: runStepActivity,
  };
  await executePlan(
    { plan: input.plan, trigger: input.trigger, run: { id: input.run.id, workspaceId: input.run.workspaceId } },
    effects,
    state,
  );

  if (state.status === 'failed') {
    const message = state.error ? `node "${state.error.nodeId}" failed: ${state.error.message}` : 'the run failed';
    throw ApplicationFailure.nonRetryable(message, FLOW_RUN_FAILED, state);
  }
  return state;
}

async function runStepActivity(request: StepActivityRequest): Promise<RunStepResult> {
  const { runStep } = proxyActivities<{ runStep: RunStepFn }>({
    taskQueue: request.taskQueue,
    startToCloseTimeout: request.timeoutMs,
    retry: {
      maximumAttempts: request.retry.maxAttempts,
      initialInterval: request.retry.initialIntervalMs,
      backoffCoefficient: request.retry.backoffCoefficient,
      maximumInterval: request.retry.maxIntervalMs,
    },
  });
  try {
    return await runStep({
      nodeId: request.nodeId,
      type: request.type,
      typeVersion: request.typeVersion,
      input: request.input,
      idempotencyKey: request.idempotencyKey,
    });
  } catch (error) {
    throw toStepFailure(error, request);
  }
}

function toStepFailure(error: unknown, request: StepActivityRequest): StepFailure | unknown {
  if (!(error instanceof ActivityFailure)) return error;
  const cause = error.cause;
  const retriesExhausted = error.retryState === 'MAXIMUM_ATTEMPTS_REACHED';
  if (cause instanceof ApplicationFailure) {
    const first: unknown = cause.details?.[0];
    const attempt =
      typeof first === 'object' && first !== null && 'attempt' in first && typeof first.attempt === 'number'
        ? first.attempt
        : undefined;
    const details = typeof first === 'object' && first !== null && 'details' in first ? first.details : undefined;
    const failure: StepFailure = {
      message: cause.message,
      attempts: attempt ?? (retriesExhausted ? request.retry.maxAttempts : 1),
    };
    if (details !== undefined) failure.details = details;
    return failure;
  }
  if (cause instanceof TimeoutFailure) {
    return {
      message: `the step did not finish within ${request.timeoutMs} ms`,
      attempts: retriesExhausted ? request.retry.maxAttempts : 1,
    } satisfies StepFailure;
  }
  return {
    message: cause?.message ?? error.message,
    attempts: retriesExhausted ? request.retry.maxAttempts : 1,
  } satisfies StepFailure;
}
