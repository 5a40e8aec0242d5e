import type { ContractViolationOutcome } from '@pipewright/metrics';
import type { Collection, Db } from 'mongodb';
import { MongoServerError } from 'mongodb';
import { z } from 'zod';

const MINUTE_MS = 60_000;

const bucketSchema = z.object({
  /** `<workspaceId>:<flowId>:<minute ISO>` — a string id, so an upsert finds its bucket without a scan. */
  _id: z.string(),
  workspaceId: z.string(),
  flowId: z.string(),
  /** The start of the minute. */
  minute: z.date(),
  rejected: z.number().int().default(0),
  flagged: z.number().int().default(0),
});
export type ContractViolationBucket = z.infer<typeof bucketSchema>;

export interface ViolationCountQuery {
  workspaceId: string;
  /** Only this flow's deliveries; all the workspace's flows when absent. */
  flowId?: string;
  /** Window start (inclusive) and end (exclusive), rounded down to the minute. */
  from: Date;
  to: Date;
}

export interface ViolationCounts {
  rejected: number;
  flagged: number;
  total: number;
}

/**
 * Webhook deliveries that broke their flow's contract, counted per workspace, flow and minute (`$inc` upserts on one
 * document per bucket): what the operations dashboard reads over 1 h, 24 h or 7 d without touching a run. Field
 * names are fixed (`rejected`, `flagged`); nothing a user chose becomes one.
 */
export class ContractViolationsRepository {
  readonly #buckets: Collection<ContractViolationBucket>;

  constructor(db: Db) {
    this.#buckets = db.collection<ContractViolationBucket>('contract_violations');
  }

  async ensureIndexes(): Promise<void> {
    await this.#buckets.createIndex({ workspaceId: 1, minute: -1 });
  }

  async record(input: { workspaceId: string; flowId: string; outcome: ContractViolationOutcome; at: Date }) {
    const minute = new Date(Math.floor(input.at.getTime() / MINUTE_MS) * MINUTE_MS);
    const _id = `${input.workspaceId}:${input.flowId}:${minute.toISOString()}`;
    const update = () =>
      this.#buckets.updateOne(
        { _id },
        {
          $inc: { [input.outcome]: 1 },
          $setOnInsert: { workspaceId: input.workspaceId, flowId: input.flowId, minute },
        },
        { upsert: true },
      );
    try {
      await update();
    } catch (error) {
      // Two first violations of a minute raced to insert its bucket: the bucket exists now, so the retry updates it.
      if (!(error instanceof MongoServerError && error.code === 11000)) throw error;
      await update();
    }
  }

  /** The window's buckets, oldest first (one per flow and minute that had a violation). */
  async buckets(query: ViolationCountQuery): Promise<ContractViolationBucket[]> {
    const records = await this.#buckets
      .find({
        workspaceId: query.workspaceId,
        ...(query.flowId === undefined ? {} : { flowId: query.flowId }),
        minute: { $gte: floorToMinute(query.from), $lt: query.to },
      })
      .sort({ minute: 1 })
      .toArray();
    return records.map((record) => bucketSchema.parse(record));
  }

  /** Violations of a workspace (or one of its flows) over a time window. */
  async count(query: ViolationCountQuery): Promise<ViolationCounts> {
    let rejected = 0;
    let flagged = 0;
    for (const bucket of await this.buckets(query)) {
      rejected += bucket.rejected;
      flagged += bucket.flagged;
    }
    return { rejected, flagged, total: rejected + flagged };
  }
}

/** For the dashboard: violations of a workspace (optionally one flow) between `from` and `to`. */
export function countContractViolations(db: Db, query: ViolationCountQuery): Promise<ViolationCounts> {
  return new ContractViolationsRepository(db).count(query);
}

const floorToMinute = (date: Date): Date => new Date(Math.floor(date.getTime() / MINUTE_MS) * MINUTE_MS);
