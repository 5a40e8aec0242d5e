/**
 * The runs list's filters as the form holds them, and the `GET /api/runs` query they become.  Pure: tested in Node.
 */
export interface RunsFilter {
  flowId: string;
  /** One status, or '' for any. */
  status: string;
  version: string;
  trigger: string;
  /** `datetime-local` values (the browser's local time), '' for open. */
  from: string;
  to: string;
  /** `name=value` of a searchable field, '' for none. */
  key: string;
}

export const emptyRunsFilter = (flowId = ''): RunsFilter => ({
  flowId,
  status: '',
  version: '',
  trigger: '',
  from: '',
  to: '',
  key: '',
});

export const RUN_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled', 'terminated', 'timed_out'];
export const RUN_TRIGGERS = ['webhook', 'manual', 'schedule', 'poll', 'message', 'error'];

/** A local `datetime-local` value as ISO 8601 (UTC), or undefined when empty or not a time. */
function toIso(local: string): string | undefined {
  if (local.trim() === '') return undefined;
  const at = new Date(local);
  return Number.isNaN(at.getTime()) ? undefined : at.toISOString();
}

/** The query string (without `?`) for one page of the list; `cursor`: the previous page's `nextCursor`. */
export function runsQueryString(filter: RunsFilter, cursor?: string, limit = 20): string {
  const params = new URLSearchParams();
  if (filter.flowId) params.set('flowId', filter.flowId);
  if (filter.status) params.set('status', filter.status);
  if (filter.version.trim()) params.set('version', filter.version.trim());
  if (filter.trigger) params.set('trigger', filter.trigger);
  const from = toIso(filter.from);
  const to = toIso(filter.to);
  if (from) params.set('from', from);
  if (to) params.set('to', to);
  if (filter.key.trim()) params.set('key', filter.key.trim());
  params.set('limit', String(limit));
  if (cursor) params.set('cursor', cursor);
  return params.toString();
}

/** True when nothing narrows the list beyond the flow (the server then lists newest first from its index). */
export const isUnfiltered = (filter: RunsFilter): boolean =>
  !filter.status && !filter.version.trim() && !filter.trigger && !filter.from && !filter.to && !filter.key.trim();
