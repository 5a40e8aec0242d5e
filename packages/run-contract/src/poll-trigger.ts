import type { ExecutionPlan } from './plan.ts';

/**
 * Polling triggers (docs/adr/008): a flow whose trigger step has `poll` gets a Temporal Schedule `poll_<flowId>`,
 * created by the server on publish, whose action starts the worker's `pollTrigger` workflow with PollTriggerInput;
 * that workflow polls, starts one `runFlow` per new item and commits the cursor.
 */
export const POLL_TRIGGER_WORKFLOW = 'pollTrigger';

export const pollScheduleIdOf = (flowId: string): string => `poll_${flowId}`;

export interface PollTriggerInput {
  plan: ExecutionPlan;
  workspaceId: string;
  flowName: string;
}
