/**
 * How the run rollups are laid out, shared by the worker (writes) and the server (reads).
 *
 * FerretDB v1 (the embedded store) answers only a filter that is exactly `{ _id: <string> }` without decoding every
 * document of the collection, and even that is a scan of the SQLite table (there is no usable index).  So a
 * dashboard must read few documents from small collections: one document holds a whole workspace's counters for a
 * stretch of time, flows and steps in it by their position in the workspace's index document (`f3`, `n12`: numbers
 * we assign, never a user's string as a field name), time slots inside it (`m07` = minute 7, `h13` = hour 13).
 *
 * - `minute` documents: one per workspace and UTC hour, a slot per minute; kept MINUTE_RETENTION_MS (48 h).  The 1 h
 *   view reads two of them.
 * - `hour` documents: one per workspace and UTC day, a slot per hour; kept HOUR_RETENTION_MS (35 days).  The 24 h
 *   view reads two, the 7 d view eight.
 * - the index document `idx:<workspace>`: the workspace's flows and (flow, node) pairs in the order first seen.
 *   Append-only, so a position, once read, never changes — every worker can write into the same documents.
 *
 * Both grains are written on every flush; `run_rollup` and `run_step_rollup` share the ids.
 */

export type RollupGrain = 'minute' | 'hour';
export type HealthWindow = '1h' | '24h' | '7d';

export const HEALTH_WINDOWS: readonly HealthWindow[] = ['1h', '24h', '7d'];

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export const MINUTE_RETENTION_MS = 48 * HOUR;
export const HOUR_RETENTION_MS = 35 * DAY;

export const RUN_ROLLUP_COLLECTION = 'run_rollup';
export const RUN_STEP_ROLLUP_COLLECTION = 'run_step_rollup';
export const RUN_FAILURES_COLLECTION = 'run_failures';

/** A grain's slot length and document length. */
export const GRAIN = {
  minute: { slotMs: MINUTE, docMs: HOUR, slotPrefix: 'm' },
  hour: { slotMs: HOUR, docMs: DAY, slotPrefix: 'h' },
} as const satisfies Record<RollupGrain, { slotMs: number; docMs: number; slotPrefix: string }>;

export const indexDocId = (workspaceId: string): string => `idx:${encodeURIComponent(workspaceId)}`;

/** `hour:<workspace>:2026-12-07T00:00:00.000Z` — the document of `grain` that holds time `at`. */
export function rollupDocId(grain: RollupGrain, workspaceId: string, at: number): string {
  return `${grain}:${encodeURIComponent(workspaceId)}:${new Date(docStartOf(grain, at)).toISOString()}`;
}

export const docStartOf = (grain: RollupGrain, at: number): number => at - mod(at, GRAIN[grain].docMs);
const slotStartOf = (grain: RollupGrain, at: number): number => at - mod(at, GRAIN[grain].slotMs);
const mod = (value: number, by: number) => ((value % by) + by) % by;

/** `m07`, `h13`: the slot field of time `at` inside its document. */
export function slotField(grain: RollupGrain, at: number): string {
  const { slotMs, docMs, slotPrefix } = GRAIN[grain];
  const index = Math.floor(mod(at, docMs) / slotMs);
  return `${slotPrefix}${String(index).padStart(2, '0')}`;
}

/**
 * Steps are counted in coarser slots than runs — 10 minutes in `minute` documents, 3 hours in `hour` documents —
 * because a workspace has many more steps than flows and every `_id` read on FerretDB parses the whole collection
 * (measured at 100k runs: per-minute step slots made `run_step_rollup` ~30 MB and a view 1–2 s).  A step view of a
 * window covers the slots that overlap it: up to 10 minutes (1 h) or 3 hours (24 h, 7 d) more than the window.
 */
export const STEP_SLOT_MS: Record<RollupGrain, number> = { minute: 10 * MINUTE, hour: 3 * HOUR };

/** `s2`: the step slot of time `at` inside its document. */
export function stepSlotField(grain: RollupGrain, at: number): string {
  return `s${Math.floor(mod(at, GRAIN[grain].docMs) / STEP_SLOT_MS[grain])}`;
}

/** Start times of the step slots that overlap the window, oldest first. */
export function stepSlotsOf(plan: WindowPlan): number[] {
  const size = STEP_SLOT_MS[plan.grain];
  const slots: number[] = [];
  for (let at = plan.from - mod(plan.from, size); at < plan.to; at += size) slots.push(at);
  return slots;
}

export const flowField = (position: number): string => `f${position}`;
export const stepField = (position: number): string => `n${position}`;

/** What a window reads: its slots (start times, oldest first), and the documents that hold them. */
export interface WindowPlan {
  window: HealthWindow;
  grain: RollupGrain;
  slotMs: number;
  /** Start of the oldest slot; `to` is the end of the newest (the one `now` is in). */
  from: number;
  to: number;
  slots: number[];
  /** Start times of the documents to read. */
  docStarts: number[];
}

/** The last 60 minutes (1h), 24 hours or 7 days of slots, the current (partial) one included. */
export function windowPlan(window: HealthWindow, now: number): WindowPlan {
  const grain: RollupGrain = window === '1h' ? 'minute' : 'hour';
  const { slotMs } = GRAIN[grain];
  const count = window === '1h' ? 60 : window === '24h' ? 24 : 7 * 24;
  const last = slotStartOf(grain, now);
  const slots = Array.from({ length: count }, (_, i) => last - (count - 1 - i) * slotMs);
  const docStarts = [...new Set(slots.map((slot) => docStartOf(grain, slot)))];
  return { window, grain, slotMs, from: slots[0] ?? last, to: last + slotMs, slots, docStarts };
}
