import { createHash } from 'node:crypto';
import { SEARCHABLE_NAME_PATTERN } from '@pipewright/flow';
import { runKeyItem } from '@pipewright/run-contract';
import { z } from 'zod';
import { ApiError } from '../errors.ts';

/** Statuses a list can be filtered by (`stuck` shows as `running` in a filtered list: it is Temporal's Running). */
export const FILTER_STATUSES = [
  'queued',
  'running',
  'succeeded',
  'failed',
  'cancelled',
  'terminated',
  'timed_out',
] as const;
export type FilterStatus = (typeof FILTER_STATUSES)[number];
export const RUN_TRIGGERS = ['webhook', 'manual', 'schedule', 'poll', 'message', 'error'] as const;
/** At most this many `key=` filters in one list. */
export const MAX_KEY_FILTERS = 5;

/** Temporal's `ExecutionStatus` names of the statuses that are on Temporal. */
const TEMPORAL_STATUS: Record<Exclude<FilterStatus, 'queued'>, string> = {
  running: 'Running',
  succeeded: 'Completed',
  failed: 'Failed',
  cancelled: 'Canceled',
  terminated: 'Terminated',
  timed_out: 'TimedOut',
};

/** Ids the API hands out ([a-z0-9_]); anything else is refused before it nears a query. */
const idSchema = z.string().regex(/^[A-Za-z0-9_-]{1,100}$/, 'must be an id (letters, digits, _ and -)');
const oneOrMany = (value: unknown) => (Array.isArray(value) ? value : [value]);
const keyFilterSchema = z
  .string()
  .max(300)
  .transform((value, ctx) => {
    const at = value.indexOf('=');
    const name = at < 0 ? value : value.slice(0, at);
    if (at < 0 || !SEARCHABLE_NAME_PATTERN.test(name)) {
      ctx.addIssue({ code: 'custom', message: 'must be name=value with a searchable field name (letters, digits, _)' });
      return z.NEVER;
    }
    return { name, value: value.slice(at + 1) };
  });

/** `GET /runs` query: every value is checked here, so none can reach a visibility query unvalidated. */
export const listRunsQuery = z.object({
  flowId: idSchema.optional(),
  version: z.coerce.number().int().min(0).max(1_000_000).optional(),
  /** One status or several, comma-separated. */
  status: z
    .string()
    .max(200)
    .transform((value) => value.split(',').map((item) => item.trim()))
    .pipe(z.array(z.enum(FILTER_STATUSES)).min(1))
    .optional(),
  trigger: z.enum(RUN_TRIGGERS).optional(),
  /** Start time at or after / at or before (ISO 8601). */
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  /** `name=value` of a searchable field; repeat for several (all must match). */
  key: z.preprocess(oneOrMany, z.array(keyFilterSchema).max(MAX_KEY_FILTERS)).optional(),
  cursor: z.string().max(4096).optional(),
  limit: z.coerce.number().int().min(1).max(50).default(20),
});
export type ListRunsQuery = z.output<typeof listRunsQuery>;

/** A list that only the runs index can answer (no filter but the flow): newest first from MongoDB. */
export const isIndexListing = (query: ListRunsQuery): boolean =>
  query.version === undefined &&
  query.status === undefined &&
  query.trigger === undefined &&
  query.from === undefined &&
  query.to === undefined &&
  query.key === undefined;

/** Whether queued runs (not on Temporal yet) can match the status filter. */
export const admitsQueued = (query: ListRunsQuery): boolean => query.status?.includes('queued') ?? true;

/**
 * The visibility query for a filtered list, or null when no run on Temporal can match (only `queued` asked for).
 * Literals are ids and enums checked by `listRunsQuery`, ISO times re-printed from a Date, and key items whose
 * values are `%`-encoded (run-contract `encodeRunKeyValue`): none can hold a quote or a backslash.
 */
export function visibilityQuery(workspaceId: string, query: ListRunsQuery): string | null {
  const clauses = [`WorkspaceId = ${literal(idSchema.parse(workspaceId))}`];
  if (query.flowId !== undefined) clauses.push(`FlowId = ${literal(query.flowId)}`);
  if (query.version !== undefined) clauses.push(`FlowVersion = ${query.version}`);
  if (query.trigger !== undefined) clauses.push(`RunTrigger = ${literal(query.trigger)}`);
  if (query.status !== undefined) {
    const onTemporal = query.status.flatMap((status) => (status === 'queued' ? [] : [TEMPORAL_STATUS[status]]));
    if (onTemporal.length === 0) return null;
    clauses.push(`ExecutionStatus IN (${[...new Set(onTemporal)].map(literal).join(', ')})`);
  }
  if (query.from !== undefined) clauses.push(`StartTime >= ${literal(new Date(query.from).toISOString())}`);
  // Temporal keeps nanoseconds: "at or before" a millisecond takes the whole millisecond.
  if (query.to !== undefined) clauses.push(`StartTime < ${literal(new Date(Date.parse(query.to) + 1).toISOString())}`);
  for (const key of query.key ?? []) clauses.push(`RunKeys = ${literal(runKeyItem(key.name, key.value))}`);
  return clauses.join(' AND ');
}

/** A double-quoted literal; refuses (as a bug, never user input) anything that could end it. */
function literal(value: string): string {
  if (/["'\\\n\r]/.test(value)) throw new Error(`unsafe visibility literal: ${JSON.stringify(value)}`);
  return `"${value}"`;
}

/**
 * The opaque cursor of the next page: for an index listing, the last run listed (start time, id); for a filtered
 * one, Temporal's page token and the query it belongs to (a token used with another filter is refused).
 */
export type RunsCursor =
  | { kind: 'index'; startedAt: string; id: string }
  | { kind: 'search'; token: string; filter: string };

/** What a search cursor remembers of its query: enough to tell another filter apart, not the filter itself. */
export const filterFingerprint = (query: string): string =>
  createHash('sha256').update(query).digest('base64url').slice(0, 16);

const cursorSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('index'), startedAt: z.iso.datetime(), id: z.string().max(200) }),
  z.object({ kind: z.literal('search'), token: z.string().max(3000), filter: z.string().max(32) }),
]);

export const encodeCursor = (cursor: RunsCursor): string => Buffer.from(JSON.stringify(cursor)).toString('base64url');

export function decodeCursor(text: string, expected: RunsCursor['kind'], query?: string): RunsCursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const result = cursorSchema.safeParse(parsed);
  if (
    !result.success ||
    result.data.kind !== expected ||
    (result.data.kind === 'search' && result.data.filter !== filterFingerprint(query ?? ''))
  ) {
    throw new ApiError(
      400,
      'invalid_request',
      'cursor: is not a cursor of this list (filters changed? start from the first page)',
    );
  }
  return result.data;
}
