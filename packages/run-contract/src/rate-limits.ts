/**
 * Rate limits per workspace and connector (docs/adr/019-shared-rate-limits.md).  A connector is a step type's prefix
 * (`http` of `http.request`); `*` stands for every connector without its own entry.  A limit is `count` calls per
 * second or per minute, counted in fixed windows shared by every worker (Redis) or by one worker (in memory).  No
 * zod here: workflow code imports this package (the API's schema is in @pipewright/api-contract).
 */
export interface RateLimit {
  count: number;
  per: RateLimitPeriod;
}

export const RATE_LIMIT_PERIODS = ['s', 'm'] as const;
export type RateLimitPeriod = (typeof RATE_LIMIT_PERIODS)[number];

/** The window of each period, in seconds. */
export const RATE_LIMIT_WINDOW_SECONDS: Record<RateLimitPeriod, number> = { s: 1, m: 60 };

/** The key for every connector without its own limit. */
export const ANY_CONNECTOR = '*';

/** The most calls a limit may allow a window: more is no limit at all. */
export const MAX_RATE_LIMIT_COUNT = 1_000_000;
/** The most entries one workspace may set. */
export const MAX_RATE_LIMIT_ENTRIES = 200;

/** Every connector, 100 calls a second: what a workspace gets when neither it nor the worker's settings say more. */
export const DEFAULT_RATE_LIMIT: RateLimit = { count: 100, per: 's' };

export const CONNECTOR_KEY_PATTERN = /^(\*|[A-Za-z0-9][A-Za-z0-9_-]{0,99})$/;

/**
 * Where the server keeps a workspace's own limits and workers read them: one document per workspace, `_id` = the
 * workspace id (the one filter FerretDB answers from an index).
 */
export const RATE_LIMITS_COLLECTION = 'rate_limits';

export interface RateLimitsRecord {
  _id: string;
  limits: Record<string, RateLimit>;
  updatedAt: Date;
  updatedBy: string;
}

/** The limit for `connector`: the workspace's entry, its `*`, then the worker's entry, its `*`, then the default. */
export function rateLimitFor(
  connector: string,
  workspace: Record<string, RateLimit> | undefined,
  worker: Record<string, RateLimit>,
): RateLimit {
  return (
    own(workspace, connector) ??
    own(workspace, ANY_CONNECTOR) ??
    own(worker, connector) ??
    own(worker, ANY_CONNECTOR) ??
    DEFAULT_RATE_LIMIT
  );
}

// Keys come from stored documents: only own properties count (`constructor`, `__proto__` are not connectors).
const own = (limits: Record<string, RateLimit> | undefined, key: string): RateLimit | undefined =>
  limits && Object.hasOwn(limits, key) ? limits[key] : undefined;

/** `20/s`, `60/m`. */
export const formatRateLimit = (limit: RateLimit): string => `${limit.count}/${limit.per}`;
