// Workflow code (deterministic): durable timers, resume signals and child workflows for Wait, Loop and Sub-flow.
import {
  FLOW_ID,
  FLOW_VERSION,
  finalStateOfFailure,
  LOOP_CHUNK_WORKFLOW,
  type ResumeEvent,
  RUN_FLOW_WORKFLOW,
  RUN_TRIGGER,
  type RunFlowInput,
  type RunState,
  resumeSignal,
  runStartOptions,
  WORKSPACE_ID,
} from '@pipewright/run-contract';
import {
  type ChildRunRequest,
  type LoopChunkRequest,
  type LoopChunkResult,
  type RunEffects,
  runTimeoutMessage,
  type WaitForEventRequest,
  type WaitForEventResult,
} from '@pipewright/runtime';
import type { EvaluateLoopChunkFn } from '@pipewright/step-host';
import {
  ChildWorkflowFailure,
  condition,
  executeChild,
  proxyActivities,
  setHandler,
  sleep,
  TimeoutFailure,
  workflowInfo,
} from '@temporalio/workflow';
import type { LoopChunkExecution } from './contract.ts';

type FlowEffects = Required<
  Pick<RunEffects, 'sleep' | 'waitForEvent' | 'executeChild' | 'runLoopChunk' | 'evaluateLoopChunk'>
>;

/** Transform-only loop slices: pure work, retried like any activity if a worker dies mid-slice. */
const { evaluateLoopChunk } = proxyActivities<{ evaluateLoopChunk: EvaluateLoopChunkFn }>({
  startToCloseTimeout: '5 minutes',
  retry: { maximumAttempts: 3 },
});

/**
 * The time/event/child parts of the effects port.  None of them issues a command unless a Wait, Loop or Sub-flow
 * node runs, so plans without those replay exactly as before.  `acceptResumes`: register the `resume` signal (the
 * run itself; loop chunks never wait for events — the compiler refuses event Waits inside loop bodies).
 */
export function createFlowEffects(options: { acceptResumes: boolean }): FlowEffects {
  const inbox: ResumeEvent[] = [];
  if (options.acceptResumes) {
    setHandler(resumeSignal, (event) => {
      inbox.push(event);
    });
  }
  return {
    sleep: (ms) => sleep(ms),
    waitForEvent: (request) => waitForEvent(inbox, request),
    executeChild: executeChildRun,
    evaluateLoopChunk: (request) => evaluateLoopChunk(request),
    runLoopChunk: (request) =>
      executeChild<(chunk: LoopChunkRequest, execution: LoopChunkExecution) => Promise<LoopChunkResult>>(
        LOOP_CHUNK_WORKFLOW,
        {
          workflowId: request.chunkId,
          args: [request, { localTaskQueue: workflowInfo().taskQueue }],
          typedSearchAttributes: [
            { key: WORKSPACE_ID, value: request.run.workspaceId },
            { key: FLOW_ID, value: request.plan.flowId },
            { key: FLOW_VERSION, value: request.plan.version },
            { key: RUN_TRIGGER, value: 'loop' },
          ],
        },
      ),
  };
}

async function waitForEvent(inbox: ResumeEvent[], request: WaitForEventRequest): Promise<WaitForEventResult> {
  const matches = (event: ResumeEvent) =>
    (event.nodeId === undefined || event.nodeId === request.nodeId) &&
    (event.eventName === undefined || request.eventName === undefined || event.eventName === request.eventName);
  let taken: ResumeEvent | undefined;
  const take = () => {
    const at = inbox.findIndex(matches);
    if (at < 0) return false;
    [taken] = inbox.splice(at, 1);
    return true;
  };
  if (request.timeoutMs === undefined) await condition(take);
  else if (!(await condition(take, request.timeoutMs))) return { timedOut: true };
  return { timedOut: false, payload: taken?.payload ?? null };
}

/** The child run's final state, failed or not; anything else (terminated, cancelled) rejects. */
async function executeChildRun(request: ChildRunRequest): Promise<RunState> {
  const args: RunFlowInput = {
    plan: request.plan,
    trigger: request.trigger,
    run: { id: request.runId, workspaceId: request.workspaceId, kind: 'subflow' },
    localTaskQueue: workflowInfo().taskQueue,
  };
  try {
    return await executeChild<(input: RunFlowInput) => Promise<RunState>>(RUN_FLOW_WORKFLOW, {
      workflowId: request.runId,
      ...runStartOptions(request.plan),
      args: [args],
      typedSearchAttributes: [
        { key: WORKSPACE_ID, value: request.workspaceId },
        { key: FLOW_ID, value: request.flowId },
        { key: FLOW_VERSION, value: request.version },
        { key: RUN_TRIGGER, value: 'subflow' },
      ],
    });
  } catch (error) {
    const state = error instanceof ChildWorkflowFailure ? finalStateOfFailure(error) : undefined;
    if (state) return state;
    const timeoutMs = request.plan.runTimeoutMs;
    if (error instanceof ChildWorkflowFailure && error.cause instanceof TimeoutFailure && timeoutMs !== undefined) {
      throw new Error(`the sub-flow's ${runTimeoutMessage(timeoutMs)}`);
    }
    throw error;
  }
}
