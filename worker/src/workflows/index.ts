// The workflow bundle entry: deterministic code only (no Node imports; types from activities are erased).
import {
  createInitialState,
  executePlan,
  type LoopChunkRequest,
  type LoopChunkResult,
  type RemoteNodeRequest,
  type RemoteNodeResult,
  type RunEffects,
  type RunState,
  runLoopChunk as runLoopChunkInline,
  type StepActivityRequest,
  type StepFailure,
} from '@pipewright/runtime';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import {
  ActivityFailure,
  ApplicationFailure,
  log,
  ParentClosePolicy,
  proxyActivities,
  setHandler,
  startChild,
  TimeoutFailure,
} from '@temporalio/workflow';
import type { EvaluateNodeFn, RunStepFn } from '../activities/run-step.ts';
import {
  type ErrorHandlerTrigger,
  errorHandlerWorkflowId,
  FLOW_RUN_FAILED,
  RUN_FLOW_WORKFLOW,
  type RunFlowInput,
  type RunStepResult,
  runTimeoutOption,
  stateQuery,
} from './contract.ts';
import { createFlowEffects } from './flow-effects.ts';
import { withScheduledRun } from './scheduled-run.ts';

export { stateQuery } from './contract.ts';
export { pollTrigger } from './poll-trigger.ts';

/** One slice of a long loop's iterations, run as a child of the flow run (RunEffects.runLoopChunk). */
export async function runLoopChunk(request: LoopChunkRequest): Promise<LoopChunkResult> {
  const { workspaceId } = request.run;
  const effects: RunEffects = {
    now: () => Date.now(),
    executeStep: (step) => runStepActivity(step, workspaceId),
    evaluateRemotely: (node) => evaluateNodeActivity(node, workspaceId),
    ...createFlowEffects({ acceptResumes: false }),
  };
  return runLoopChunkInline(request, effects);
}

/** One run of a published (or draft) flow: interprets the plan with the runtime; I/O steps are `runStep` activities. */
export async function runFlow(startInput: RunFlowInput): Promise<RunState> {
  const input = withScheduledRun(startInput);
  // Date.now() is workflow time here: deterministic on replay.
  const state = createInitialState(input.plan, Date.now());
  setHandler(stateQuery, () => state);

  const { id, workspaceId, resumeUrls } = input.run;
  // The workspace goes with every activity: credentials are resolved (and scoped) by it.
  const effects: RunEffects = {
    now: () => Date.now(),
    executeStep: (step) => runStepActivity(step, workspaceId),
    evaluateRemotely: (node) => evaluateNodeActivity(node, workspaceId),
    ...createFlowEffects({ acceptResumes: true }),
  };
  await executePlan({ plan: input.plan, trigger: input.trigger, run: { id, workspaceId, resumeUrls } }, effects, state);

  if (state.status === 'failed') {
    await startErrorHandler(input, state);
    const message = state.error ? `node "${state.error.nodeId}" failed: ${state.error.message}` : 'the run failed';
    throw ApplicationFailure.nonRetryable(message, FLOW_RUN_FAILED, state);
  }
  return state;
}

const WORKSPACE_ID = defineSearchAttributeKey('WorkspaceId', SearchAttributeType.KEYWORD);
const FLOW_ID = defineSearchAttributeKey('FlowId', SearchAttributeType.KEYWORD);
const FLOW_VERSION = defineSearchAttributeKey('FlowVersion', SearchAttributeType.INT);
const RUN_TRIGGER = defineSearchAttributeKey('RunTrigger', SearchAttributeType.KEYWORD);

/**
 * Starts the flow's error handler (embedded in the plan at publish time) as a child run that outlives this one
 * (ABANDON), with the failed run's details as its trigger output.  A handler that cannot start must not hide the
 * run's own failure, so that is logged, not thrown.
 */
async function startErrorHandler(input: RunFlowInput, state: RunState): Promise<void> {
  const handler = input.plan.errorHandler;
  if (!handler) return;
  const runId = errorHandlerWorkflowId(input.run.id);
  const trigger: ErrorHandlerTrigger = {
    failedRun: {
      runId: input.run.id,
      flowId: input.plan.flowId,
      version: input.plan.version,
      error: state.error ?? null,
      nodes: Object.fromEntries(
        Object.entries(state.nodes).map(([id, node]) => [
          id,
          node.error ? { status: node.status, error: node.error } : { status: node.status },
        ]),
      ),
    },
  };
  const args: RunFlowInput = {
    plan: handler.plan,
    trigger,
    run: { id: runId, workspaceId: input.run.workspaceId, kind: 'error' },
  };
  try {
    await startChild(RUN_FLOW_WORKFLOW, {
      workflowId: runId,
      parentClosePolicy: ParentClosePolicy.ABANDON,
      ...runTimeoutOption(handler.plan),
      args: [args],
      typedSearchAttributes: [
        { key: WORKSPACE_ID, value: input.run.workspaceId },
        { key: FLOW_ID, value: handler.flowId },
        { key: FLOW_VERSION, value: handler.version },
        { key: RUN_TRIGGER, value: 'error' },
      ],
    });
  } catch (error) {
    log.error('the error handler flow could not be started', { runId, flowId: handler.flowId, error: String(error) });
  }
}

async function runStepActivity(request: StepActivityRequest, workspaceId: string): Promise<RunStepResult> {
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
      workspaceId,
    });
  } catch (error) {
    throw toStepFailure(error, request);
  }
}

/** A node whose expressions read large values kept by reference: evaluated (and run) in an activity. */
async function evaluateNodeActivity(request: RemoteNodeRequest, workspaceId: string): Promise<RemoteNodeResult> {
  const { node } = request;
  const { evaluateNode } = proxyActivities<{ evaluateNode: EvaluateNodeFn }>({
    taskQueue: node.taskQueue,
    startToCloseTimeout: node.timeoutMs,
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
    throw toStepFailure(error, { retry: node.retry, timeoutMs: node.timeoutMs });
  }
}

function toStepFailure(
  error: unknown,
  request: Pick<StepActivityRequest, 'retry' | 'timeoutMs'>,
): StepFailure | unknown {
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

export { migrateConfig } from './migrate-config.ts';
