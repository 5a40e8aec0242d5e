import { type Collection, type Db, MongoServerError } from 'mongodb';
import { parseQueuedRun, parseRunRecord, type QueuedRun, type RunRecord } from './runs.repository.ts';

const DUPLICATE_KEY = 11000;

/** A resume that has not finished moving its flow's held runs (a server may die midway): any server completes it. */
interface HeldReleaseRecord {
  _id: string;
  workspaceId: string;
  at: Date;
}

/**
 * `held_runs`: runs of a paused flow (mode `queue`), accepted and kept apart from `run_queue` until the flow resumes —
 * a paused flow's runs never sit at the head of the queue every flow shares.  Same documents as the queue (start
 * arguments as JSON text).  A run moves held → queue → runs index, and is written to the next collection before it
 * leaves the previous one, so reads in that order always find it.  `held_releases`: one tiny document per resume in
 * progress (by flow id), written before the move and deleted after it.
 */
export class HeldRunsRepository {
  readonly #held: Collection<QueuedRun>;
  readonly #releases: Collection<HeldReleaseRecord>;

  constructor(db: Db) {
    this.#held = db.collection<QueuedRun>('held_runs');
    this.#releases = db.collection<HeldReleaseRecord>('held_releases');
  }

  async ensureIndexes(): Promise<void> {
    await this.#held.createIndex({ workspaceId: 1, flowId: 1, startedAt: 1 }, { name: 'workspace_flow_startedAt' });
  }

  /** Holds a run: false if one with its id is held already (a repeated delivery). */
  async hold(run: QueuedRun): Promise<boolean> {
    try {
      await this.#held.insertOne(run);
      return true;
    } catch (error) {
      if (error instanceof MongoServerError && error.code === DUPLICATE_KEY) return false;
      throw error;
    }
  }

  async findById(workspaceId: string, id: string): Promise<QueuedRun | null> {
    const found = await this.#held.findOne({ _id: id, workspaceId });
    return found === null ? null : parseQueuedRun(found);
  }

  countForFlow(workspaceId: string, flowId: string): Promise<number> {
    return this.#held.countDocuments({ workspaceId, flowId });
  }

  /** A flow's held runs, oldest first (the order they are released in). */
  async oldest(workspaceId: string, flowId: string, limit: number): Promise<QueuedRun[]> {
    const found = await this.#held.find({ workspaceId, flowId }).sort({ startedAt: 1, _id: 1 }).limit(limit).toArray();
    return found.map(parseQueuedRun);
  }

  /** A workspace's held runs, newest first, without their start arguments (the runs list shows them queued). */
  async listForRuns(workspaceId: string, filter: { flowId?: string | undefined; limit: number }): Promise<RunRecord[]> {
    const query = filter.flowId === undefined ? { workspaceId } : { workspaceId, flowId: filter.flowId };
    const found = await this.#held
      .find(query, { projection: { pendingStartJson: 0, documentJson: 0 } })
      .sort({ startedAt: -1, _id: 1 })
      .limit(filter.limit)
      .toArray();
    return found.map(parseRunRecord);
  }

  /** Takes runs out of the hold by `_id` (after they are in the queue). */
  async remove(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.#held.bulkWrite(
      ids.map((id) => ({ deleteOne: { filter: { _id: id } } })),
      { ordered: false },
    );
  }

  async markReleasing(workspaceId: string, flowId: string, at: Date): Promise<void> {
    await this.#releases.updateOne({ _id: flowId }, { $set: { workspaceId, at } }, { upsert: true });
  }

  async releaseDone(flowId: string): Promise<void> {
    await this.#releases.deleteOne({ _id: flowId });
  }

  /** Resumes that did not finish (their server died midway). */
  async unfinishedReleases(): Promise<{ workspaceId: string; flowId: string }[]> {
    const found = await this.#releases.find({}).limit(100).toArray();
    return found.map((release) => ({ workspaceId: release.workspaceId, flowId: release._id }));
  }
}
