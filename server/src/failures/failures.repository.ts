import { type Collection, type Db, type Filter, MongoServerError } from 'mongodb';
import { z } from 'zod';
import { findOwned } from '../owned.ts';
import { OpenFailureCounts } from './open-failure-counts.ts';

const resolutionSchema = z.object({
  kind: z.enum(['retried', 'rerun', 'dismissed']),
  runId: z.string().optional(),
  by: z.object({ userId: z.string().nullable(), email: z.string().nullable() }),
  at: z.date(),
});
export type FailureResolution = z.infer<typeof resolutionSchema>;

/**
 * One failed run (`run_failures`, written by the worker when a run fails on a node; keyed by run id): where it failed
 * and why, `errorGroup` grouping failures of one cause.  `resolution` is ours: set when a retry, re-run or dismissal
 * takes it out of the queue.
 */
const failureSchema = z.object({
  _id: z.string(),
  workspaceId: z.string(),
  flowId: z.string(),
  version: z.number().int(),
  trigger: z.string(),
  startedAt: z.date(),
  failedAt: z.date(),
  nodeId: z.string(),
  nodeType: z.string(),
  nodeTitle: z.string(),
  errorCode: z.string().optional(),
  errorMessage: z.string(),
  errorGroup: z.string(),
  resolution: resolutionSchema.optional(),
});
export type FailureRecord = z.infer<typeof failureSchema>;

/** One group of unresolved failures, per flow (merged per group by the service). */
export interface FailureGroupRow {
  errorGroup: string;
  flowId: string;
  count: number;
  firstSeen: Date;
  lastSeen: Date;
  sample: Pick<FailureRecord, '_id' | 'errorMessage' | 'errorCode' | 'nodeId' | 'nodeTitle'>;
}

const DUPLICATE_KEY = 11000;
const INDEX_EXISTS = new Set([85 /* IndexOptionsConflict */, 86 /* IndexKeySpecsConflict */]);
const UNRESOLVED = { resolution: { $exists: false } } as const;

export class FailuresRepository {
  readonly #failures: Collection<FailureRecord>;
  /** One document per failure an action has taken (claim): its `_id` is the failed run's id. */
  readonly #claims: Collection<{ _id: string; workspaceId: string; at: Date }>;
  /** The queue's size per workspace, flow and step type, kept as the queue changes (a scan costs too much). */
  readonly counts: OpenFailureCounts;

  constructor(db: Db) {
    this.#failures = db.collection<FailureRecord>('run_failures');
    this.#claims = db.collection('run_failure_claims');
    this.counts = new OpenFailureCounts(db);
  }

  /** The worker's writer may create its own indexes on the collection: one already there is fine. */
  async ensureIndexes(): Promise<void> {
    try {
      await this.#failures.createIndex(
        { workspaceId: 1, errorGroup: 1, failedAt: -1 },
        { name: 'queue_workspace_group_failedAt' },
      );
    } catch (error) {
      if (!(error instanceof MongoServerError && INDEX_EXISTS.has(Number(error.code)))) throw error;
    }
  }

  /**
   * Writes a failure as the worker's writer does (tests, and failures recorded by hand); idempotent by run id, and
   * counted in the queue's size when new and open.
   */
  async upsert(record: FailureRecord): Promise<void> {
    const { _id, ...fields } = record;
    const result = await this.#failures.updateOne({ _id }, { $set: fields }, { upsert: true });
    if (result.upsertedCount === 1 && record.resolution === undefined) await this.counts.change(record, 1);
  }

  /**
   * Unresolved failures grouped by cause and flow: count, first/last seen, the newest one as a sample.  FerretDB v1
   * groups with `$sum` only (no `$min`, `$max`, `$first`), so each group's newest and oldest failure are read by the
   * index on (workspace, group, failedAt): two short reads per group, and causes are few.
   */
  async groups(workspaceId: string, flowId: string | undefined): Promise<FailureGroupRow[]> {
    const match: Filter<FailureRecord> = { workspaceId, ...UNRESOLVED, ...(flowId === undefined ? {} : { flowId }) };
    const counted = await this.#failures
      .aggregate([
        { $match: match },
        { $group: { _id: { errorGroup: '$errorGroup', flowId: '$flowId' }, count: { $sum: 1 } } },
      ])
      .toArray();
    const rows = await Promise.all(
      counted.map(async (item) => {
        const row = groupCountSchema.parse(item);
        const inGroup = { workspaceId, ...UNRESOLVED, errorGroup: row._id.errorGroup, flowId: row._id.flowId };
        const [newest, oldest] = await Promise.all([
          this.#failures.find(inGroup).sort({ failedAt: -1, _id: 1 }).limit(1).next(),
          this.#failures.find(inGroup).sort({ failedAt: 1, _id: 1 }).limit(1).next(),
        ]);
        // Resolved between the count and these reads: the group is gone.
        if (newest === null || oldest === null) return undefined;
        const sample = failureSchema.parse(newest);
        const group: FailureGroupRow = {
          errorGroup: row._id.errorGroup,
          flowId: row._id.flowId,
          count: row.count,
          firstSeen: failureSchema.parse(oldest).failedAt,
          lastSeen: sample.failedAt,
          sample: {
            _id: sample._id,
            errorMessage: sample.errorMessage,
            nodeId: sample.nodeId,
            nodeTitle: sample.nodeTitle,
            ...(sample.errorCode === undefined ? {} : { errorCode: sample.errorCode }),
          },
        };
        return group;
      }),
    );
    return rows.filter((row) => row !== undefined);
  }

  /**
   * Unresolved failures, newest first, `after` the last one of the previous page; of one group and flow when given.
   * `oldestFirst`: a bulk action on a group takes the oldest first.
   */
  async list(
    workspaceId: string,
    filter: {
      errorGroup?: string | undefined;
      flowId?: string | undefined;
      after?: { failedAt: Date; id: string } | undefined;
      limit: number;
      oldestFirst?: boolean;
    },
  ): Promise<FailureRecord[]> {
    const query: Filter<FailureRecord> = { workspaceId, ...UNRESOLVED };
    if (filter.errorGroup !== undefined) query.errorGroup = filter.errorGroup;
    if (filter.flowId !== undefined) query.flowId = filter.flowId;
    if (filter.after !== undefined) {
      const { failedAt, id } = filter.after;
      query.$or = [{ failedAt: { $lt: failedAt } }, { failedAt, _id: { $gt: id } }];
    }
    const found = await this.#failures
      .find(query)
      .sort({ failedAt: filter.oldestFirst === true ? 1 : -1, _id: 1 })
      .limit(filter.limit)
      .toArray();
    return found.map((item) => failureSchema.parse(item));
  }

  async findById(workspaceId: string, runId: string): Promise<FailureRecord | null> {
    const found = await findOwned(this.#failures, runId, workspaceId);
    return found === null ? null : failureSchema.parse(found);
  }

  /**
   * Takes the failure out of the queue for one action, atomically: false when it is not there or another action
   * took it first (two builders retrying one failure start one run).  The claim is an insert keyed by the run id
   * into `run_failure_claims`: a conditional update is not atomic on FerretDB (two concurrent updates of one
   * unresolved document can both report a change), a duplicate `_id` is refused by every backend.
   */
  async claim(workspaceId: string, runId: string, resolution: FailureResolution): Promise<boolean> {
    const failure = await this.findById(workspaceId, runId);
    if (failure === null || failure.resolution !== undefined) return false;
    try {
      await this.#claims.insertOne({ _id: runId, workspaceId, at: resolution.at });
    } catch (error) {
      if (error instanceof MongoServerError && error.code === DUPLICATE_KEY) return false;
      throw error;
    }
    await this.#failures.updateOne({ _id: runId, workspaceId }, { $set: { resolution } });
    await this.counts.change(failure, -1);
    return true;
  }

  /** The run the claimed action started. */
  async settle(workspaceId: string, runId: string, newRunId: string): Promise<void> {
    await this.#failures.updateOne({ _id: runId, workspaceId }, { $set: { 'resolution.runId': newRunId } });
  }

  /** The claimed action failed: the failure is back in the queue (its claim last, so no second action slips in). */
  async release(workspaceId: string, runId: string): Promise<void> {
    const failure = await this.findById(workspaceId, runId);
    await this.#failures.updateOne({ _id: runId, workspaceId }, { $unset: { resolution: '' } });
    if (failure?.resolution !== undefined) await this.counts.change(failure, 1);
    await this.#claims.deleteOne({ _id: runId, workspaceId });
  }
}

const groupCountSchema = z.object({
  _id: z.object({ errorGroup: z.string(), flowId: z.string() }),
  count: z.number(),
});
