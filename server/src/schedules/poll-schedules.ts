import {
  type ExecutionPlan,
  FLOW_ID,
  POLL_TRIGGER_WORKFLOW,
  type PollTriggerInput,
  pollScheduleIdOf,
  type RunPriority,
  WORKSPACE_ID,
} from '@pipewright/run-contract';
import {
  type Client,
  ScheduleAlreadyRunning,
  type ScheduleDescription,
  ScheduleNotFoundError,
  type ScheduleOptions,
  type ScheduleUpdateOptions,
} from '@temporalio/client';
import { NOTE_PAUSED_WITH_FLOW } from './flow-pause-schedules.ts';

const DEFAULT_INTERVAL_SECONDS = 60;

/**
 * Creates or updates the `poll_<flowId>` Schedule of a flow whose trigger polls: every `intervalSeconds` it starts
 * the `pollTrigger` workflow; overlap SKIP, so two polls of one flow never run at once.  Used by the server on
 * publish.
 */
export async function upsertPollSchedule(
  client: Client,
  input: {
    flowId: string;
    flowName: string;
    workspaceId: string;
    plan: ExecutionPlan;
    taskQueue: string;
    /** The flow is paused: the schedule is created (or kept) paused, and no first poll happens now. */
    paused?: boolean;
    /** The polls' lane and fair share (docs/adr/027); the runs a poll starts inherit it. */
    priority?: RunPriority | undefined;
  },
): Promise<void> {
  const trigger = input.plan.nodes.find((node) => node.id === input.plan.triggerNodeId);
  const configured = trigger?.config.intervalSeconds;
  const intervalSeconds =
    typeof configured === 'number' && Number.isInteger(configured) && configured >= 1
      ? configured
      : DEFAULT_INTERVAL_SECONDS;
  const args: PollTriggerInput = { plan: input.plan, workspaceId: input.workspaceId, flowName: input.flowName };
  const attributes = [
    { key: WORKSPACE_ID, value: input.workspaceId },
    { key: FLOW_ID, value: input.flowId },
  ];
  const options: ScheduleOptions = {
    scheduleId: pollScheduleIdOf(input.flowId),
    spec: { intervals: [{ every: intervalSeconds * 1000 }] },
    action: {
      type: 'startWorkflow',
      workflowType: POLL_TRIGGER_WORKFLOW,
      taskQueue: input.taskQueue,
      workflowId: `poll_${input.flowId}`,
      ...(input.priority === undefined ? {} : { priority: input.priority }),
      args: [args],
      typedSearchAttributes: attributes,
    },
    policies: { overlap: 'SKIP', catchupWindow: '1 minute' },
    typedSearchAttributes: attributes,
    // The first poll happens now, not one interval after publishing (unless the flow is paused).
    state: input.paused === true ? { paused: true, note: NOTE_PAUSED_WITH_FLOW } : { triggerImmediately: true },
  };
  const handle = client.schedule.getHandle(options.scheduleId);
  const update = (previous: ScheduleDescription): ScheduleUpdateOptions => ({
    spec: options.spec,
    action: options.action,
    policies: options.policies ?? {},
    typedSearchAttributes: attributes,
    state:
      input.paused === true && !previous.state.paused ? { paused: true, note: NOTE_PAUSED_WITH_FLOW } : previous.state,
  });
  try {
    await handle.update(update);
  } catch (error) {
    if (!(error instanceof ScheduleNotFoundError)) throw error;
    try {
      await client.schedule.create(options);
    } catch (createError) {
      if (!(createError instanceof ScheduleAlreadyRunning)) throw createError;
      await handle.update(update);
    }
  }
}

export async function deletePollSchedule(client: Client, flowId: string): Promise<void> {
  try {
    await client.schedule.getHandle(pollScheduleIdOf(flowId)).delete();
  } catch (error) {
    if (!(error instanceof ScheduleNotFoundError)) throw error;
  }
}
