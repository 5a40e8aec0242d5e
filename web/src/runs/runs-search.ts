import { emptyRunsFilter, RUN_STATUSES, RUN_TRIGGERS, type RunsFilter } from './runs-filter.ts';

/**
 * The runs list's filters as they live in the URL (`/runs?status=failed&version=3`), so a reload, back/forward and a
 * shared link show the same list.  The URL is user input: a value that does not fit is dropped (that filter falls
 * back to "any"), never an error.  Pure: tested in Node.
 */
/** Every field is present: `undefined` when the URL has no sensible value for it (see parseRunsSearch). */
export interface RunsSearch {
  /** Only on the workspace's list (`/runs`); a flow's list takes its flow from the path. */
  flow: string | undefined;
  status: string | undefined;
  version: number | undefined;
  trigger: string | undefined;
  /** `datetime-local` values (the browser's local time), as the form holds them. */
  from: string | undefined;
  to: string | undefined;
  /** `name=value` of a searchable field. */
  key: string | undefined;
}

/** A `datetime-local` value: minutes, optionally seconds. */
const LOCAL_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?$/;
/** Long enough for any id or `name=value`; a longer value is not one of ours. */
const MAX_TEXT = 500;

/** URL values arrive as strings (routing/search-string.ts); a search built in code may hold the version as a number. */
function text(value: unknown): string | undefined {
  const raw = typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
  if (typeof raw !== 'string') return undefined;
  const trimmed = raw.trim();
  return trimmed === '' || trimmed.length > MAX_TEXT ? undefined : trimmed;
}

const oneOf = (value: unknown, allowed: readonly string[]) => {
  const candidate = text(value);
  return candidate !== undefined && allowed.includes(candidate) ? candidate : undefined;
};

function version(value: unknown): number | undefined {
  const candidate = text(value);
  if (candidate === undefined || !/^\d{1,9}$/.test(candidate)) return undefined;
  return Number(candidate);
}

function localTime(value: unknown): string | undefined {
  const candidate = text(value);
  if (candidate === undefined || !LOCAL_TIME.test(candidate)) return undefined;
  return Number.isNaN(new Date(candidate).getTime()) ? undefined : candidate;
}

/**
 * The route's `validateSearch`: the query string (already split by the router) → the filters it names.
 * `withFlow`: the workspace's list reads `flow`; a flow's list ignores it.  Every field is present, `undefined` when
 * the URL has no sensible value: the router lays this over the raw query, so a dropped value must be overwritten.
 */
export function parseRunsSearch(raw: Record<string, unknown>, options: { withFlow: boolean }): RunsSearch {
  return {
    flow: options.withFlow ? text(raw.flow) : undefined,
    status: oneOf(raw.status, RUN_STATUSES),
    version: version(raw.version),
    trigger: oneOf(raw.trigger, RUN_TRIGGERS),
    from: localTime(raw.from),
    to: localTime(raw.to),
    key: text(raw.key),
  };
}

/** What stops the form from applying: a version that is not a whole number (the URL would drop it). */
export function runsFilterError(filter: RunsFilter): string | undefined {
  const typed = filter.version.trim();
  return typed !== '' && version(typed) === undefined ? 'Version: a whole number, such as 3' : undefined;
}

/** The form's state for the filters in the URL; `flowId`: a flow's list, whose flow comes from the path. */
export function runsFilterFromSearch(search: RunsSearch, flowId?: string): RunsFilter {
  return {
    ...emptyRunsFilter(flowId ?? search.flow ?? ''),
    status: search.status ?? '',
    version: search.version === undefined ? '' : String(search.version),
    trigger: search.trigger ?? '',
    from: search.from ?? '',
    to: search.to ?? '',
    key: search.key ?? '',
  };
}

/** The URL's filters for the form's state (what the Filter button applies); a flow's list leaves `flow` out. */
export function runsSearchFromFilter(filter: RunsFilter, options: { withFlow: boolean }): RunsSearch {
  return parseRunsSearch(
    {
      flow: filter.flowId,
      status: filter.status,
      version: filter.version,
      trigger: filter.trigger,
      from: filter.from,
      to: filter.to,
      key: filter.key,
    },
    options,
  );
}
