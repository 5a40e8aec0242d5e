// The workflow bundle entry: deterministic code only (no Node imports; types from activities are erased).
import { buildRunReport } from '@pipewright/operations';
import {
  type ErrorHandlerTrigger,
  errorHandlerWorkflowId,
  FLOW_ID,
  FLOW_RUN_FAILED,
  FLOW_VERSION,
  RUN_FLOW_WORKFLOW,
  RUN_KEYS,
  RUN_TRIGGER,
  type RunFlowInput,
  type RunState,
  runStartOptions,
  type StepPause,
  stateQuery,
  WORKSPACE_ID,
} from '@pipewright/run-contract';
import {
  compensationNote,
  createInitialState,
  executePlan,
  type LoopChunkRequest,
  type LoopChunkResult,
  type RunEffects,
  runKeysOf,
  runLoopChunk as runLoopChunkInline,
} from '@pipewright/runtime';
import {
  ApplicationFailure,
  log,
  ParentClosePolicy,
  patched,
  proxySinks,
  setHandler,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { LoopChunkExecution, RunMetricsSinks } from './contract.ts';
import { createFlowEffects } from './flow-effects.ts';
import { withScheduledRun } from './scheduled-run.ts';
import { evaluateNodeActivity, noLocalAttempts, runStepActivity } from './step-activities.ts';

const { runMetrics } = proxySinks<RunMetricsSinks>();

export { stateQuery } from '@pipewright/run-contract';
export { deliverAlert } from './deliver-alert.ts';
export { keyedEventOutcome, runKeyCoordinator } from './key-coordinator.ts';
export { pollTrigger } from './poll-trigger.ts';
export { handOverScheduledRun } from './scheduled-run.ts';
export { testDraft, testDraftRun } from './test-draft.ts';

/**
 * One slice of a long loop's iterations, run as a child of the flow run (RunEffects.runLoopChunk).  `execution`:
 * absent in chunks started before local first attempts existed (see StepExecution).
 */
export async function runLoopChunk(
  request: LoopChunkRequest,
  execution: LoopChunkExecution = {},
): Promise<LoopChunkResult> {
  const { workspaceId } = request.run;
  const run = { workspaceId, localTaskQueue: execution.localTaskQueue, local: noLocalAttempts() };
  const effects: RunEffects = {
    now: () => Date.now(),
    executeStep: (step) => runStepActivity(step, run),
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
  const { id, workspaceId, resumeUrls, acceptedAt } = input.run;
  const counted = { workspaceId, flowId: input.plan.flowId };
  // The run has begun: it stops counting as waiting (a run the server accepted carries its accept time).
  runMetrics.started({ ...counted, trigger: input.run.kind, ...(acceptedAt === undefined ? {} : { acceptedAt }) });
  await recordRunKeys(input);
  // The workspace goes with every activity: credentials are resolved (and scoped) by it.
  const execution = {
    workspaceId,
    flowId: input.plan.flowId,
    localTaskQueue: input.localTaskQueue,
    local: noLocalAttempts(),
    onPause: (nodeId: string, pause: StepPause | undefined) => showPause(state, nodeId, pause),
  };
  const effects: RunEffects = {
    now: () => Date.now(),
    executeStep: (step) => runStepActivity(step, execution),
    evaluateRemotely: (node) => evaluateNodeActivity(node, workspaceId, execution),
    ...createFlowEffects({ acceptResumes: true }),
  };
  await executePlan(
    { plan: input.plan, trigger: input.trigger, run: { id, workspaceId, resumeUrls }, seed: input.seed },
    effects,
    state,
  );

  runMetrics.finished({
    ...counted,
    status: state.status === 'failed' ? 'failed' : 'succeeded',
    report: buildRunReport({ plan: input.plan, state, run: input.run, now: Date.now() }),
  });
  if (state.status === 'failed') {
    await startErrorHandler(input, state);
    const failure = state.error ? `node "${state.error.nodeId}" failed: ${state.error.message}` : 'the run failed';
    const message = `${failure}${compensationNote(state)}`;
    throw ApplicationFailure.nonRetryable(message, FLOW_RUN_FAILED, state);
  }
  return state;
}

/**
 * Puts the values of the flow's searchable fields on the run (`RunKeys`), so every way a run starts carries them.
 * Plans without searchable fields issue no command, so their histories replay as before; `patched` keeps a run
 * recorded by a worker without this from replaying with it.
 */
async function recordRunKeys(input: RunFlowInput): Promise<void> {
  if (!input.plan.searchable?.length || !patched('run-keys')) return;
  const keys = await runKeysOf(input.plan, input.trigger);
  if (keys.length > 0) upsertSearchAttributes([{ key: RUN_KEYS, value: keys }]);
}

/** A node held back by a paused connector or credential shows as `waiting` with the pause, then `running` again. */
function showPause(state: RunState, nodeId: string, pause: StepPause | undefined): void {
  const node = state.nodes[nodeId];
  if (!node) return;
  if (pause) {
    node.status = 'waiting';
    node.pausedBy = pause;
  } else if (node.pausedBy) {
    node.status = 'running';
    delete node.pausedBy;
  }
}

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
    localTaskQueue: workflowInfo().taskQueue,
  };
  try {
    await startChild(RUN_FLOW_WORKFLOW, {
      workflowId: runId,
      parentClosePolicy: ParentClosePolicy.ABANDON,
      ...runStartOptions(handler.plan),
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

export { migrateConfig } from './migrate-config.ts';
