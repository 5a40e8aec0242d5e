import { z } from 'zod';

/**
 * One attempt of a step, as Temporal recorded it (`GET /runs/:id/history`).  Temporal keeps a retried activity's
 * last failure and final outcome; the worker hands the failures before them on from attempt to attempt (a trail in
 * the heartbeat details).  An attempt neither kept (runs of workers before the trail) is listed with `kept: false`.
 */
export const runAttemptViewSchema = z.object({
  /** The node's attempt number (1 = first try), counting a local first attempt. */
  attempt: z.number().int(),
  outcome: z.enum(['succeeded', 'failed', 'running']),
  /** ISO time the attempt started, when known. */
  startedAt: z.string().exactOptional(),
  durationMs: z.number().exactOptional(),
  /** Ran inside the workflow task (a local activity, docs/adr/009) rather than as a scheduled activity. */
  local: z.literal(true).exactOptional(),
  /** Why it failed (scrubbed of secrets by the worker; at most 1,000 characters). */
  error: z.object({ message: z.string(), type: z.string().exactOptional(), retryable: z.boolean() }).exactOptional(),
  /** false: this attempt's details were not kept (a retry of a run started on a worker before attempt trails). */
  kept: z.literal(false).exactOptional(),
});
export type RunAttemptView = z.infer<typeof runAttemptViewSchema>;

/** One history event, in words (never its payloads: their sizes only). */
export const runHistoryRowSchema = z.object({
  eventId: z.number().int(),
  /** ISO time of the event. */
  time: z.string(),
  /** Temporal's event type, e.g. `ActivityTaskStarted`. */
  type: z.string(),
  /** e.g. `Step call started (attempt 2)`, `Timer 30 s started`, `Signal resume received`. */
  text: z.string(),
  nodeId: z.string().exactOptional(),
  attempt: z.number().int().exactOptional(),
  durationMs: z.number().exactOptional(),
  /** Size in bytes of the payloads the event carries (input, result, details), when it carries any. */
  bytes: z.number().int().exactOptional(),
  /** The event is a failure or a timeout. */
  failed: z.literal(true).exactOptional(),
});
export type RunHistoryRow = z.infer<typeof runHistoryRowSchema>;

/**
 * The most history events the server reads for one request.  A run's history is read only when a person asks for it
 * (never on a run's own path, docs/adr/009), a page of Temporal's at a time; past this the answer says `truncated`.
 */
export const RUN_HISTORY_MAX_EVENTS = 10_000;

export const runHistoryResponseSchema = z.object({
  /** Every attempt of every I/O step that ran, by node id, oldest first. */
  attempts: z.record(z.string(), z.array(runAttemptViewSchema)),
  /** A page of the history, oldest first. */
  events: z.array(runHistoryRowSchema),
  /** `after` for the next page; null: this page reaches the end of what was read. */
  nextAfter: z.number().int().nullable(),
  /** The history has more events than the server reads for one run (`RUN_HISTORY_MAX_EVENTS`). */
  truncated: z.boolean(),
});
export type RunHistoryResponse = z.infer<typeof runHistoryResponseSchema>;

/** `GET /runs/:id/history` query: rows after event id `after`, at most `limit` (1–1,000, default 500). */
export const runHistoryQuery = z
  .object({
    after: z.coerce.number().int().min(0).default(0),
    limit: z.coerce.number().int().min(1).max(1000).default(500),
  })
  .strict();
export type RunHistoryQuery = z.infer<typeof runHistoryQuery>;
