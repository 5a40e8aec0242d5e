import { z } from 'zod';

/**
 * One attempt of a step, as Temporal recorded it (`GET /runs/:id/history`).  Temporal keeps a retried activity's
 * last failure and final outcome; the worker hands the failures before them on from attempt to attempt (a trail in
 * the heartbeat details).  An attempt neither kept (runs of workers before the trail) is listed with `kept: false`.
 */
export interface RunAttemptView {
  /** The node's attempt number (1 = first try), counting a local first attempt. */
  attempt: number;
  outcome: 'succeeded' | 'failed' | 'running';
  /** ISO time the attempt started, when known. */
  startedAt?: string;
  durationMs?: number;
  /** Ran inside the workflow task (a local activity, docs/adr/009) rather than as a scheduled activity. */
  local?: true;
  /** Why it failed (scrubbed of secrets by the worker; at most 1,000 characters). */
  error?: { message: string; type?: string; retryable: boolean };
  /** false: this attempt's details were not kept (a retry of a run started on a worker before attempt trails). */
  kept?: false;
}

/** One history event, in words (never its payloads: their sizes only). */
export interface RunHistoryRow {
  eventId: number;
  /** ISO time of the event. */
  time: string;
  /** Temporal's event type, e.g. `ActivityTaskStarted`. */
  type: string;
  /** e.g. `Step call started (attempt 2)`, `Timer 30 s started`, `Signal resume received`. */
  text: string;
  nodeId?: string;
  attempt?: number;
  durationMs?: number;
  /** Size in bytes of the payloads the event carries (input, result, details), when it carries any. */
  bytes?: number;
  /** The event is a failure or a timeout. */
  failed?: true;
}

export interface RunHistoryResponse {
  /** Every attempt of every I/O step that ran, by node id, oldest first. */
  attempts: Record<string, RunAttemptView[]>;
  /** A page of the history, oldest first. */
  events: RunHistoryRow[];
  /** `after` for the next page; null: this page reaches the end of what was read. */
  nextAfter: number | null;
  /** The history has more events than the server reads for one run (`RUN_HISTORY_MAX_EVENTS`). */
  truncated: boolean;
}

/** `GET /runs/:id/history` query: rows after event id `after`, at most `limit` (1–1,000, default 500). */
export const runHistoryQuery = z
  .object({
    after: z.coerce.number().int().min(0).default(0),
    limit: z.coerce.number().int().min(1).max(1000).default(500),
  })
  .strict();
export type RunHistoryQuery = z.infer<typeof runHistoryQuery>;
