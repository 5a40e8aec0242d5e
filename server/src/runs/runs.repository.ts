import {
  type Collection,
  type Db,
  type Filter,
  MongoBulkWriteError,
  MongoServerError,
  type OptionalUnlessRequiredId,
} from 'mongodb';
import { z } from 'zod';
import { findOwned } from '../owned.ts';
import { GroupCommit, type ItemOutcomes } from './group-commit.ts';

/** The runs index: what Temporal does not know about a run (its flow's name, the draft it ran). */
const runRecordSchema = z.object({
  _id: z.string(),
  workspaceId: z.string(),
  flowId: z.string(),
  flowName: z.string(),
  version: z.number().int(),
  trigger: z.enum(['webhook', 'manual', 'schedule', 'poll', 'message', 'error']),
  startedAt: z.date(),
  /** Only for draft runs (version 0): the document that was compiled. */
  documentJson: z.string().optional(),
  /** Temporal refused the start for good: the run failed before it began, for this reason. */
  startError: z.string().optional(),
  /** Only in the queue (`run_queue`): the run is accepted, not yet started. */
  queued: z.literal(true).optional(),
  /**
   * Only in the queue: the run's Temporal start arguments (RunFlowInput) as JSON text, so a payload's keys never
   * become stored field names.
   */
  pendingStartJson: z.string().optional(),
  /** Only in the queue: the accepting request's W3C `traceparent`, so the start continues its trace (when traced). */
  traceParent: z.string().max(256).optional(),
  /**
   * The run's flow has a business key: the workflow id of its key's coordinator, which starts it (run-starter.ts,
   * docs/adr/014).  Absent: the run is started directly.
   */
  keyCoordinator: z.string().optional(),
  /** A retry from the failed step of this (failed) run (failures/). */
  retryOf: z.string().optional(),
  /** A re-run, on the flow's current version, of this (failed) run's trigger data (failures/). */
  rerunOf: z.string().optional(),
});
export type RunRecord = z.infer<typeof runRecordSchema>;
/** A run accepted and not yet started: its record, and what to start it with (run-starter.ts). */
export type QueuedRun = RunRecord & { queued: true; pendingStartJson: string };

const DUPLICATE_KEY = 11000;

/**
 * Two collections: `runs`, the index of runs Temporal has (or refused), and `run_queue`, runs accepted and not yet
 * started — small, so the starter's sweep reads only what is pending.  The starter writes a run's index record
 * before it takes it out of the queue, so a run is always in one of them.
 */
export class RunsRepository {
  readonly #runs: Collection<RunRecord>;
  readonly #queue: Collection<QueuedRun>;
  /** Accepts that arrive together are written together (group-commit.ts): one round trip for a burst. */
  readonly #accepts: GroupCommit<QueuedRun, boolean>;
  /** Likewise for runs the starter has started: their index records, then their removal from the queue. */
  readonly #settles: GroupCommit<RunRecord, void>;

  constructor(db: Db) {
    this.#runs = db.collection<RunRecord>('runs');
    this.#queue = db.collection<QueuedRun>('run_queue');
    this.#accepts = new GroupCommit((runs) => insertEach(this.#queue, runs));
    this.#settles = new GroupCommit((records) => this.#indexThenDequeue(records));
  }

  async ensureIndexes(): Promise<void> {
    await this.#runs.createIndex({ workspaceId: 1, startedAt: -1 }, { name: 'workspace_startedAt' });
    await this.#runs.createIndex({ workspaceId: 1, flowId: 1, startedAt: -1 }, { name: 'workspace_flow_startedAt' });
    await this.#queue.createIndex({ startedAt: 1 }, { name: 'startedAt' });
  }

  /** Runs accepted and not yet started on Temporal (the metrics' `pipewright_runs_queued`). */
  countQueued(): Promise<number> {
    return this.#queue.countDocuments({});
  }

  /** A workspace's (or one flow's) runs waiting in the queue: a small collection, drained as runs start. */
  countQueuedOf(workspaceId: string, flowId: string | undefined): Promise<number> {
    return this.#queue.countDocuments({ workspaceId, ...(flowId === undefined ? {} : { flowId }) });
  }

  /** Idempotent: a run is recorded once (a duplicate webhook delivery, a scheduled run seen twice); false if it was. */
  async insert(record: RunRecord): Promise<boolean> {
    try {
      await this.#runs.insertOne(record);
      return true;
    } catch (error) {
      if (error instanceof MongoServerError && error.code === DUPLICATE_KEY) return false;
      throw error;
    }
  }

  /** Accepts a run: false if one with its id is queued already (a repeated delivery). */
  enqueue(run: QueuedRun): Promise<boolean> {
    return this.#accepts.submit(run);
  }

  /**
   * The run is started (or refused for good): its index record is written — idempotent, a crash may repeat it — and
   * then it leaves the queue, so it is always in one of the two.
   */
  indexAndDequeue(record: RunRecord): Promise<void> {
    return this.#settles.submit(record);
  }

  async #indexThenDequeue(records: RunRecord[]): Promise<ItemOutcomes<void>> {
    const indexed = await insertEach(this.#runs, records);
    const settled = records.filter((_, index) => indexed[index]?.ok === true);
    if (settled.length > 0) {
      // One command, one delete by `_id` each: FerretDB looks a document up by `_id` without scanning the queue.
      await this.#queue.bulkWrite(
        settled.map((record) => ({ deleteOne: { filter: { _id: record._id } } })),
        { ordered: false },
      );
    }
    return indexed.map((outcome) => (outcome.ok ? { ok: true, value: undefined } : outcome));
  }

  /**
   * Puts runs (back) into the queue as they are, keeping their accept time and so their place (a paused flow's held
   * runs on resume): idempotent by run id — a run queued already stays once, one started already is refused by
   * Temporal as a duplicate and leaves the queue again.
   */
  async requeue(runs: QueuedRun[]): Promise<void> {
    if (runs.length === 0) return;
    const outcomes = await insertEach(this.#queue, runs);
    const failed = outcomes.find((outcome) => !outcome.ok);
    if (failed && !failed.ok) throw failed.error;
  }

  /** The oldest queued runs, any workspace: what the run starter drains. */
  async findQueued(limit: number): Promise<QueuedRun[]> {
    const found = await this.#queue.find({}).sort({ startedAt: 1, _id: 1 }).limit(limit).toArray();
    return found.map(parseQueued);
  }

  async findQueuedById(workspaceId: string, id: string): Promise<QueuedRun | null> {
    const found = await findOwned(this.#queue, id, workspaceId);
    return found === null ? null : parseQueued(found);
  }

  listQueued(workspaceId: string, filter: ListFilter): Promise<RunRecord[]> {
    return newestFirst(this.#queue, workspaceId, filter);
  }

  async findById(workspaceId: string, id: string): Promise<RunRecord | null> {
    const found = await findOwned(this.#runs, id, workspaceId);
    return found === null ? null : runRecordSchema.parse(found);
  }

  list(workspaceId: string, filter: ListFilter): Promise<RunRecord[]> {
    return newestFirst(this.#runs, workspaceId, filter);
  }
}

export interface ListFilter {
  flowId?: string | undefined;
  limit: number;
  version?: number | undefined;
  trigger?: RunRecord['trigger'] | undefined;
  /** Start time bounds, inclusive. */
  from?: Date | undefined;
  to?: Date | undefined;
  /** Runs listed after this one (newest first: older, or as old with a greater id): the next page. */
  after?: { startedAt: Date; id: string } | undefined;
}

/** A workspace's runs in `collection`, newest first, without the documents and start arguments they may carry. */
async function newestFirst(
  collection: Collection<RunRecord> | Collection<QueuedRun>,
  workspaceId: string,
  filter: ListFilter,
): Promise<RunRecord[]> {
  const query: Filter<RunRecord> = { workspaceId };
  if (filter.flowId !== undefined) query.flowId = filter.flowId;
  if (filter.version !== undefined) query.version = filter.version;
  if (filter.trigger !== undefined) query.trigger = filter.trigger;
  if (filter.from !== undefined || filter.to !== undefined) {
    query.startedAt = {
      ...(filter.from === undefined ? {} : { $gte: filter.from }),
      ...(filter.to === undefined ? {} : { $lte: filter.to }),
    };
  }
  if (filter.after !== undefined) {
    const { startedAt, id } = filter.after;
    query.$or = [{ startedAt: { $lt: startedAt } }, { startedAt, _id: { $gt: id } }];
  }
  const found = await (collection as Collection<RunRecord>)
    .find(query, { projection: { documentJson: 0, pendingStartJson: 0 } })
    .sort({ startedAt: -1, _id: 1 })
    .limit(filter.limit)
    .toArray();
  return found.map((item) => runRecordSchema.parse(item));
}

export const parseQueuedRun = (item: unknown): QueuedRun => parseQueued(item);
export const parseRunRecord = (item: unknown): RunRecord => runRecordSchema.parse(item);

function parseQueued(item: unknown): QueuedRun {
  const record = runRecordSchema.parse(item);
  if (record.queued !== true || record.pendingStartJson === undefined)
    throw new Error(`run_queue: ${record._id} is no queued run`);
  return { ...record, queued: true, pendingStartJson: record.pendingStartJson };
}

/**
 * Inserts documents in one command, each on its own (`ordered: false`): true if inserted, false if one with its
 * `_id` was there already (or earlier in the same batch: FerretDB does not refuse a repeat inside one insert); any
 * other refusal is that document's error.
 */
export async function insertEach<T extends { _id: string }>(
  collection: Collection<T>,
  docs: T[],
): Promise<ItemOutcomes<boolean>> {
  const firstIndex = new Map<string, number>();
  const unique: T[] = [];
  for (const doc of docs) {
    if (!firstIndex.has(doc._id)) {
      firstIndex.set(doc._id, unique.length);
      unique.push(doc);
    }
  }
  const outcomes: ItemOutcomes<boolean> = unique.map(() => ({ ok: true, value: true }));
  try {
    await collection.insertMany(unique as OptionalUnlessRequiredId<T>[], { ordered: false });
  } catch (error) {
    if (!(error instanceof MongoBulkWriteError)) throw error;
    const writeErrors = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
    if (writeErrors.length === 0) throw error;
    for (const writeError of writeErrors) {
      outcomes[writeError.index] =
        writeError.code === DUPLICATE_KEY ? { ok: true, value: false } : { ok: false, error: writeError };
    }
  }
  return docs.map((doc) => {
    const at = firstIndex.get(doc._id) ?? 0;
    const outcome = outcomes[at] ?? { ok: true, value: false };
    // A repeat of an id earlier in the batch is a duplicate of it.
    return unique[at] === doc || !outcome.ok ? outcome : { ok: true, value: false };
  });
}
