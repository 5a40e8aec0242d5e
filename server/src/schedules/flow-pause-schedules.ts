import { pollScheduleIdOf } from '@pipewright/run-contract';
import { type Client, ScheduleNotFoundError } from '@temporalio/client';

/**
 * The note on a flow's Temporal Schedules while the flow is paused (server/src/pauses): a resume unpauses only
 * schedules with this note, so a pause a user set on the schedule itself, or the trigger's own `paused` setting,
 * outlives the flow's pause and resume.
 */
export const NOTE_PAUSED_WITH_FLOW = 'Paused with the flow';

/** Both schedules a flow can have: its Schedule trigger's and its polling trigger's. */
const scheduleIdsOf = (flowId: string): string[] => [`flow_${flowId}`, pollScheduleIdOf(flowId)];

/** Pauses the flow's schedule and poll schedule (those it has and that run): no fire, no poll, until resumed. */
export async function pauseFlowSchedules(client: Client, flowId: string): Promise<void> {
  for (const id of scheduleIdsOf(flowId)) {
    await onSchedule(client, id, async (handle) => {
      const { state } = await handle.describe();
      if (!state.paused) await handle.pause(NOTE_PAUSED_WITH_FLOW);
    });
  }
}

/** Unpauses what `pauseFlowSchedules` paused, and nothing else. */
export async function resumeFlowSchedules(client: Client, flowId: string): Promise<void> {
  for (const id of scheduleIdsOf(flowId)) {
    await onSchedule(client, id, async (handle) => {
      const { state } = await handle.describe();
      if (state.paused && state.note === NOTE_PAUSED_WITH_FLOW) await handle.unpause('Resumed with the flow');
    });
  }
}

async function onSchedule(
  client: Client,
  scheduleId: string,
  act: (handle: ReturnType<Client['schedule']['getHandle']>) => Promise<void>,
): Promise<void> {
  try {
    await act(client.schedule.getHandle(scheduleId));
  } catch (error) {
    if (!(error instanceof ScheduleNotFoundError)) throw error;
  }
}
