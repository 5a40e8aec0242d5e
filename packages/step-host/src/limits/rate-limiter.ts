/**
 * Token buckets per key (`<workspaceId>:<connector>`), shared by every activity execution of one worker process.
 * With several workers the limit applies per worker; a distributed limiter (e.g. in MongoDB or Redis) is future work.
 */

export interface RateLimit {
  /** Requests per second, sustained. */
  perSecond: number;
  /** Requests allowed at once after a quiet period; default one second's worth. */
  burst?: number;
}

export interface RateLimiterOptions {
  /** Per connector (the step type's first segment: `http`, `postgres`…). */
  limits: Record<string, RateLimit>;
  /** For connectors without their own entry. */
  defaultLimit: RateLimit;
  now?: () => number;
}

export interface RateLimiter {
  /** Takes one token for `connector` in `workspaceId`; resolves with how long it had to wait (ms). */
  acquire(workspaceId: string, connector: string, signal?: AbortSignal): Promise<number>;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

export const DEFAULT_RATE_LIMIT: RateLimit = { perSecond: 100 };

export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const now = options.now ?? (() => performance.now());
  const buckets = new Map<string, Bucket>();
  return {
    async acquire(workspaceId, connector, signal) {
      const limit = options.limits[connector] ?? options.defaultLimit;
      const capacity = Math.max(1, limit.burst ?? limit.perSecond);
      const perMs = limit.perSecond / 1000;
      const key = `${workspaceId}:${connector}`;
      const at = now();
      const bucket = buckets.get(key) ?? { tokens: capacity, updatedAt: at };
      bucket.tokens = Math.min(capacity, bucket.tokens + (at - bucket.updatedAt) * perMs);
      bucket.updatedAt = at;
      // Reserve the token now (the balance may go negative): later callers queue behind earlier ones.
      bucket.tokens -= 1;
      buckets.set(key, bucket);
      if (bucket.tokens >= 0) return 0;
      const waitMs = Math.ceil(-bucket.tokens / perMs);
      try {
        await delay(waitMs, signal);
      } catch (error) {
        bucket.tokens += 1;
        throw error;
      }
      return waitMs;
    },
  };
}

function delay(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** `http=20/s,postgres=50/s,*=100/s` (also `/m` per minute) → limits; `*` sets the default. */
export function parseRateLimits(text: string | undefined): {
  limits: Record<string, RateLimit>;
  defaultLimit: RateLimit;
} {
  const limits: Record<string, RateLimit> = {};
  let defaultLimit = DEFAULT_RATE_LIMIT;
  for (const entry of (text ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)) {
    const match = /^([\w*-]+)\s*=\s*(\d+(?:\.\d+)?)\s*\/\s*(s|m)$/.exec(entry);
    if (!match?.[1] || !match[2]) {
      throw new Error(`PIPEWRIGHT_RATE_LIMITS: "${entry}" is not <connector>=<n>/s or <connector>=<n>/m`);
    }
    const count = Number(match[2]);
    const perSecond = match[3] === 'm' ? count / 60 : count;
    if (!(perSecond > 0)) throw new Error(`PIPEWRIGHT_RATE_LIMITS: "${entry}" must allow more than 0 requests`);
    const limit: RateLimit = match[3] === 'm' ? { perSecond, burst: count } : { perSecond };
    if (match[1] === '*') defaultLimit = limit;
    else limits[match[1]] = limit;
  }
  return { limits, defaultLimit };
}

/** `http.request` → `http`; `acme-crm.createContact` → `acme-crm`. */
export const connectorOf = (stepType: string): string => stepType.split('.')[0] ?? stepType;
