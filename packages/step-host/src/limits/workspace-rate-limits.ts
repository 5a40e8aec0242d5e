import { RATE_LIMITS_COLLECTION, type RateLimit, type RateLimitsRecord, rateLimitFor } from '@pipewright/run-contract';
import type { Db } from 'mongodb';

/**
 * The limit for a workspace's connector: what an admin set for the workspace (the `rate_limits` document the server
 * writes), else the worker's own settings (PIPEWRIGHT_RATE_LIMITS), else 100/s.  A workspace's document is read at
 * most once every `cacheMs` per worker (default 3 s): a change takes effect within it.  A read that fails keeps the
 * last known limits (steps run on if the database blinks).
 */
export function createWorkspaceRateLimits(
  db: Db | undefined,
  workerLimits: Record<string, RateLimit>,
  options: { cacheMs?: number; now?: () => number } = {},
): (workspaceId: string, connector: string) => Promise<RateLimit> {
  const cacheMs = options.cacheMs ?? 3_000;
  const now = options.now ?? Date.now;
  const collection = db?.collection<RateLimitsRecord>(RATE_LIMITS_COLLECTION);
  const cache = new Map<string, { readAt: number; limits: Promise<Record<string, RateLimit> | undefined> }>();

  const workspaceLimits = (workspaceId: string): Promise<Record<string, RateLimit> | undefined> => {
    if (!collection || workspaceId === '') return Promise.resolve(undefined);
    const cached = cache.get(workspaceId);
    if (cached && now() - cached.readAt < cacheMs) return cached.limits;
    const limits = collection.findOne({ _id: workspaceId }, { projection: { limits: 1 } }).then(
      (record) => record?.limits,
      (error: unknown) => {
        if (cached) return cached.limits;
        cache.delete(workspaceId);
        throw error;
      },
    );
    cache.set(workspaceId, { readAt: now(), limits });
    return limits;
  };

  return async (workspaceId, connector) => rateLimitFor(connector, await workspaceLimits(workspaceId), workerLimits);
}
