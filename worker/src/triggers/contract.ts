/**
 * The poll trigger's workflow ↔ activity contract (docs/adr/008).  The `pollTrigger` workflow (started by the
 * schedule the server keeps, `@pipewright/run-contract`'s PollTriggerInput) polls (activity), starts one `runFlow`
 * per new item (workflow id `run_<flowId>_poll_<sha256(item id)>`, REJECT_DUPLICATE) and then commits the cursor.
 */
export const POLL_ACTIVITY = 'pollForItems';
export const COMMIT_POLL_ACTIVITY = 'commitPollCursor';
/** Mongo collection of poll cursors: `{ _id: flowId, workspaceId, cursorJson, seen, version }`. */
export const POLL_CURSORS_COLLECTION = 'poll_cursors';

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
