import type { ExecutionPlan } from '@pipewright/run-contract';

/**
 * Polling triggers (docs/adr/008): a flow whose trigger step has `poll` gets a Temporal Schedule `poll_<flowId>`
 * whose action is the `pollTrigger` workflow; that workflow polls (activity), starts one `runFlow` per new item
 * (workflow id `run_<flowId>_poll_<sha256(item id)>`, REJECT_DUPLICATE) and then commits the cursor.
 */
export const POLL_TRIGGER_WORKFLOW = 'pollTrigger';
export const POLL_ACTIVITY = 'pollForItems';
export const COMMIT_POLL_ACTIVITY = 'commitPollCursor';
/** Mongo collection of poll cursors: `{ _id: flowId, workspaceId, cursorJson, seen, version }`. */
export const POLL_CURSORS_COLLECTION = 'poll_cursors';

export const pollScheduleIdOf = (flowId: string): string => `poll_${flowId}`;

export interface PollTriggerInput {
  plan: ExecutionPlan;
  workspaceId: string;
  flowName: string;
}

export interface PollRequest {
  flowId: string;
  workspaceId: string;
  type: string;
  typeVersion: number;
  config: Record<string, unknown>;
}

/** New items only (ids already seen are dropped), each with the run id it starts. */
export interface PollOutcome {
  items: Array<{ id: string; runId: string; data: unknown }>;
  /** What commitPollCursor stores once the runs are started. */
  commit: PollCommit;
}

export interface PollCommit {
  flowId: string;
  workspaceId: string;
  /** The version the poll read; the commit claims version + 1. */
  version: number;
  cursorJson: string;
  newIds: string[];
}
