import {
  CONNECTOR_KEY_PATTERN,
  MAX_RATE_LIMIT_COUNT,
  RATE_LIMIT_WINDOW_SECONDS,
  type RateLimit,
  type RateLimitPeriod,
} from '@pipewright/run-contract';
import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';

/**
 * Calls per workspace and connector (`<workspaceId>:<connector>`), counted by rate-limiter-flexible in fixed windows
 * (docs/adr/019-shared-rate-limits.md).  With a Redis client the count is shared by every worker that uses the same
 * Redis; without one it is kept in this process (the embedded default: one worker).
 */
export interface RateLimiter {
  /** Takes one call for `connector` in `workspaceId`; resolves with how long it had to wait (ms). */
  acquire(workspaceId: string, connector: string, signal?: AbortSignal): Promise<number>;
}

export interface RateLimiterOptions {
  /** The limit that holds for a workspace's connector now (its own setting, else the worker's; may read a cache). */
  limitOf(workspaceId: string, connector: string): RateLimit | Promise<RateLimit>;
  /** A connected node-redis client (`@redis/client`): limits shared by every worker on it. */
  redis?: unknown;
  /** Redis keys start with this (default `pw:rl`), so two deployments on one Redis do not share counts. */
  keyPrefix?: string;
}

export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  // One counter store per distinct limit: a changed limit counts afresh under its own keys.
  const limiters = new Map<string, RateLimiterAbstract>();
  const limiterFor = (limit: RateLimit): RateLimiterAbstract => {
    const name = `${limit.count}/${limit.per}`;
    let limiter = limiters.get(name);
    if (!limiter) {
      const window = { points: limit.count, duration: RATE_LIMIT_WINDOW_SECONDS[limit.per] };
      limiter = options.redis
        ? new RateLimiterRedis({
            ...window,
            storeClient: options.redis,
            useRedisPackage: true,
            // Not connected: straight to the insurance limiter instead of waiting on a command that cannot be sent.
            rejectIfRedisNotReady: true,
            keyPrefix: `${options.keyPrefix ?? 'pw:rl'}:${name}`,
            // Redis down: each worker counts alone rather than every step failing.
            insuranceLimiter: new RateLimiterMemory(window),
          })
        : new RateLimiterMemory({ ...window, keyPrefix: name });
      limiters.set(name, limiter);
    }
    return limiter;
  };

  return {
    async acquire(workspaceId, connector, signal) {
      const limiter = limiterFor(await options.limitOf(workspaceId, connector));
      const key = `${workspaceId}:${connector}`;
      let waitedMs = 0;
      for (;;) {
        signal?.throwIfAborted();
        try {
          await limiter.consume(key);
          return waitedMs;
        } catch (refusal) {
          if (!(refusal instanceof RateLimiterRes)) throw refusal;
          // Every caller refused in a window tries again when the next one opens; the first `count` of them pass.
          const ms = Math.max(1, refusal.msBeforeNext);
          await delay(ms, signal);
          waitedMs += ms;
        }
      }
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

/** `http=20/s,postgres=50/s,smtp=60/m,*=100/s` → limits per connector; `*` is every other connector. */
export function parseRateLimits(text: string | undefined): Record<string, RateLimit> {
  const limits: Record<string, RateLimit> = {};
  for (const entry of (text ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)) {
    const match = /^([^=\s]+)\s*=\s*(\d+)\s*\/\s*(s|m)$/.exec(entry);
    const [, connector, count] = match ?? [];
    if (!match || !connector || !count || !CONNECTOR_KEY_PATTERN.test(connector)) {
      throw new Error(
        `PIPEWRIGHT_RATE_LIMITS: "${entry}" is not <connector>=<n>/s or <connector>=<n>/m (a whole n; /m for less than 1 a second)`,
      );
    }
    const limit = { count: Number(count), per: match[3] as RateLimitPeriod };
    if (limit.count < 1 || limit.count > MAX_RATE_LIMIT_COUNT) {
      throw new Error(`PIPEWRIGHT_RATE_LIMITS: "${entry}" must allow 1 to ${MAX_RATE_LIMIT_COUNT} calls`);
    }
    limits[connector] = limit;
  }
  return limits;
}

/** `http.request` → `http`; `acme-crm.createContact` → `acme-crm`. */
export const connectorOf = (stepType: string): string => stepType.split('.')[0] ?? stepType;
