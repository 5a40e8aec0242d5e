import { RATE_LIMITS_COLLECTION, type RateLimit, type RateLimitsRecord } from '@pipewright/run-contract';
import type { Collection, Db } from 'mongodb';

/**
 * A workspace's own rate limits (`rate_limits`, one document per workspace, `_id` = its id).  Workers read the same
 * document (step-host limits/workspace-rate-limits.ts, cached a few seconds); a change is one replace by `_id`.
 */
export class RateLimitsRepository {
  readonly #limits: Collection<RateLimitsRecord>;

  constructor(db: Db) {
    this.#limits = db.collection<RateLimitsRecord>(RATE_LIMITS_COLLECTION);
  }

  get(workspaceId: string): Promise<RateLimitsRecord | null> {
    return this.#limits.findOne({ _id: workspaceId });
  }

  async put(workspaceId: string, limits: Record<string, RateLimit>, updatedBy: string): Promise<RateLimitsRecord> {
    const record: RateLimitsRecord = { _id: workspaceId, limits, updatedAt: new Date(), updatedBy };
    await this.#limits.replaceOne({ _id: workspaceId }, record, { upsert: true });
    return record;
  }
}
