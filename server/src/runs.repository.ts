import { type Collection, type Db, MongoServerError } from 'mongodb';
import { z } from 'zod';

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

  constructor(db: Db) {
    this.#runs = db.collection<RunRecord>('runs');
    this.#queue = db.collection<QueuedRun>('run_queue');
  }

  async ensureIndexes(): Promise<void> {
    await this.#runs.createIndex({ workspaceId: 1, startedAt: -1 }, { name: 'workspace_startedAt' });
    await this.#runs.createIndex({ workspaceId: 1, flowId: 1, startedAt: -1 }, { name: 'workspace_flow_startedAt' });
    await this.#queue.createIndex({ startedAt: 1 }, { name: 'startedAt' });
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
  async enqueue(run: QueuedRun): Promise<boolean> {
    try {
      await this.#queue.insertOne(run);
      return true;
    } catch (error) {
      if (error instanceof MongoServerError && error.code === DUPLICATE_KEY) return false;
      throw error;
    }
  }

  /** The oldest queued runs, any workspace: what the run starter drains. */
  async findQueued(limit: number): Promise<QueuedRun[]> {
    const found = await this.#queue.find({}).sort({ startedAt: 1, _id: 1 }).limit(limit).toArray();
    return found.map(parseQueued);
  }

  async findQueuedById(workspaceId: string, id: string): Promise<QueuedRun | null> {
    const found = await this.#queue.findOne({ _id: id, workspaceId });
    return found === null ? null : parseQueued(found);
  }

  listQueued(workspaceId: string, filter: ListFilter): Promise<RunRecord[]> {
    return newestFirst(this.#queue, workspaceId, filter);
  }

  /** The run is indexed (started, or refused): it leaves the queue. */
  async dequeue(id: string): Promise<void> {
    await this.#queue.deleteOne({ _id: id });
  }

  async findById(workspaceId: string, id: string): Promise<RunRecord | null> {
    const found = await this.#runs.findOne({ _id: id, workspaceId });
    return found === null ? null : runRecordSchema.parse(found);
  }

  list(workspaceId: string, filter: ListFilter): Promise<RunRecord[]> {
    return newestFirst(this.#runs, workspaceId, filter);
  }
}

type ListFilter = { flowId?: string; limit: number };

/** A workspace's runs in `collection`, newest first, without the documents and start arguments they may carry. */
async function newestFirst(
  collection: Collection<RunRecord> | Collection<QueuedRun>,
  workspaceId: string,
  filter: ListFilter,
): Promise<RunRecord[]> {
  const query = filter.flowId === undefined ? { workspaceId } : { workspaceId, flowId: filter.flowId };
  const found = await (collection as Collection<RunRecord>)
    .find(query, { projection: { documentJson: 0, pendingStartJson: 0 } })
    .sort({ startedAt: -1, _id: 1 })
    .limit(filter.limit)
    .toArray();
  return found.map((item) => runRecordSchema.parse(item));
}

function parseQueued(item: unknown): QueuedRun {
  const record = runRecordSchema.parse(item);
  if (record.queued !== true || record.pendingStartJson === undefined)
    throw new Error(`run_queue: ${record._id} is no queued run`);
  return { ...record, queued: true, pendingStartJson: record.pendingStartJson };
}
