// Workflow code (deterministic): durable timers, resume signals and child workflows for Wait, Loop and Sub-flow.
import {
  APPROVAL_NOT_WAITING,
  type ApprovalDecision,
  approvalUpdate,
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
  type WaitForApprovalRequest,
  type WaitForApprovalResult,
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
import type { ApprovalActivities } from '../approvals/approval-activities.ts';
import type { LoopChunkExecution } from './contract.ts';

type FlowEffects = Required<
  Pick<RunEffects, 'sleep' | 'waitForEvent' | 'waitForApproval' | 'executeChild' | 'runLoopChunk' | 'evaluateLoopChunk'>
>;

/** The approvals index (docs/adr/018): written when a run starts waiting for a decision, removed when it stops. */
const approvalIndex = proxyActivities<ApprovalActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

/** Approval waits in progress, by node: `decision` is set by the first accepted decision. */
type ApprovalSlots = Map<string, { decision?: ApprovalDecision }>;

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
  const approvals: ApprovalSlots = new Map();
  if (options.acceptResumes) {
    setHandler(resumeSignal, (event) => {
      inbox.push(event);
    });
    acceptApprovalDecisions(approvals);
  }
  return {
    sleep: (ms) => sleep(ms),
    waitForEvent: (request) => waitForEvent(inbox, request),
    waitForApproval: (request) => waitForApproval(approvals, request),
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

/**
 * The first decision for a node that waits wins: the validator refuses (nothing recorded) a decision for a node not
 * waiting now or decided already, and the handler records it synchronously, so a second update in the same
 * workflow task is validated after it.
 */
function acceptApprovalDecisions(approvals: ApprovalSlots): void {
  setHandler(
    approvalUpdate,
    (decision) => {
      const slot = approvals.get(decision.nodeId);
      if (!slot || slot.decision) throw new Error(`${APPROVAL_NOT_WAITING}: node "${decision.nodeId}" was decided`);
      slot.decision = decision;
      return decision;
    },
    {
      validator: (decision) => {
        const slot = approvals.get(decision.nodeId);
        if (!slot || slot.decision) {
          throw new Error(`${APPROVAL_NOT_WAITING}: node "${decision.nodeId}" is not waiting for a decision`);
        }
      },
    },
  );
}

async function waitForApproval(
  approvals: ApprovalSlots,
  request: WaitForApprovalRequest,
): Promise<WaitForApprovalResult> {
  const askedAt = Date.now();
  const slot: { decision?: ApprovalDecision } = {};
  // Open before the index is written: a decision made as soon as the approval is listed must find the node waiting.
  approvals.set(request.nodeId, slot);
  const where = { runId: request.run.id, nodeId: request.nodeId };
  try {
    await approvalIndex.openApproval({
      ...where,
      workspaceId: request.run.workspaceId,
      flowId: request.flowId,
      approvers: request.approvers,
      title: request.title,
      message: request.message,
      askedAt,
      expiresAt: request.timeoutMs === undefined ? undefined : askedAt + request.timeoutMs,
    });
    const decided = () => slot.decision !== undefined;
    if (request.timeoutMs === undefined) await condition(decided);
    else await condition(decided, Math.max(1, request.timeoutMs - (Date.now() - askedAt)));
  } finally {
    // Closed before any await: a decision arriving from here on is refused.
    approvals.delete(request.nodeId);
  }
  const { decision } = slot;
  await approvalIndex.closeApproval({ ...where, outcome: decision?.decision ?? 'timed_out' });
  if (!decision) return { timedOut: true };
  const { nodeId: _node, ...decided } = decision;
  return { timedOut: false, ...decided };
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
