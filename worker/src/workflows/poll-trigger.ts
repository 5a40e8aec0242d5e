// Workflow code (deterministic): polls in an activity, starts runs as abandoned children.
import {
  type CoordinatorHandOver,
  FLOW_ID,
  FLOW_VERSION,
  limitedHandOverOf,
  type PollTriggerInput,
  RUN_FLOW_WORKFLOW,
  RUN_TRIGGER,
  type RunFlowInput,
  runStartOptions,
  WORKSPACE_ID,
} from '@pipewright/run-contract';
import { WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy } from '@temporalio/common';
import { ParentClosePolicy, patched, proxyActivities, startChild, workflowInfo } from '@temporalio/workflow';
import type { PollCommit, PollOutcome, PollRequest } from '../triggers/contract.ts';

const { pollForItems, commitPollCursor } = proxyActivities<{
  pollForItems(request: PollRequest): Promise<PollOutcome>;
  commitPollCursor(commit: PollCommit): Promise<boolean>;
}>({
  startToCloseTimeout: '2 minutes',
  retry: { maximumAttempts: 3, initialInterval: '1 second' },
});

const { handOverRun } = proxyActivities<{ handOverRun(handOver: CoordinatorHandOver): Promise<void> }>({
  startToCloseTimeout: '30 seconds',
  retry: { maximumAttempts: 5, initialInterval: '1 second' },
});

/** Polls from before items of a flow with "at most N runs at once" went to its coordinator (docs/adr/020). */
const HAND_OVER_PATCH = 'poll-hand-over-limited-runs';

/**
 * One poll of a polling trigger (started by the flow's `poll_<flowId>` Schedule, overlap SKIP): new items in, one
 * `runFlow` per item, then the cursor is committed.  Runs start before the commit, so a poll that dies in between
 * re-finds the items next time and their derived workflow ids (REJECT_DUPLICATE) keep it to one run per item.  A
 * flow with "at most N runs at once" hands each item to its coordinator instead (`handOverRun`, docs/adr/020), which
 * ignores a run id handed over twice.
 */
export async function pollTrigger(input: PollTriggerInput): Promise<{ started: number }> {
  const { plan, workspaceId } = input;
  const trigger = plan.nodes.find((node) => node.id === plan.triggerNodeId);
  if (!trigger) throw new Error(`plan of flow ${plan.flowId} has no trigger node`);
  const outcome = await pollForItems({
    flowId: plan.flowId,
    workspaceId,
    type: trigger.type,
    typeVersion: trigger.typeVersion,
    config: trigger.config,
  });
  let started = 0;
  for (const item of outcome.items) {
    const args: RunFlowInput = {
      plan,
      trigger: item.data,
      run: { id: item.runId, workspaceId, kind: 'poll' },
      localTaskQueue: workflowInfo().taskQueue,
    };
    // A flow with "at most N runs at once": the item waits in the flow's line (its coordinator starts the run).
    const handOver = limitedHandOverOf(args, 'poll', input.flowName);
    if (handOver && patched(HAND_OVER_PATCH)) {
      await handOverRun(handOver);
      started += 1;
      continue;
    }
    try {
      await startChild(RUN_FLOW_WORKFLOW, {
        workflowId: item.runId,
        ...runStartOptions(plan),
        args: [args],
        parentClosePolicy: ParentClosePolicy.ABANDON,
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
        memo: { flowName: input.flowName },
        typedSearchAttributes: [
          { key: WORKSPACE_ID, value: workspaceId },
          { key: FLOW_ID, value: plan.flowId },
          { key: FLOW_VERSION, value: plan.version },
          { key: RUN_TRIGGER, value: 'poll' },
        ],
      });
      started += 1;
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    }
  }
  await commitPollCursor(outcome.commit);
  return { started };
}
