import {
  failureCountChanges,
  HOUR_RETENTION_MS,
  indexDocId,
  MINUTE_RETENTION_MS,
  type RollupPositions,
  type RollupUpdate,
  RUN_FAILURE_COUNTS_COLLECTION,
  RUN_FAILURES_COLLECTION,
  RUN_ROLLUP_COLLECTION,
  RUN_STEP_ROLLUP_COLLECTION,
  type RunFailureDocument,
  type StepKey,
  splitUpdate,
} from '@pipewright/operations';
import { type Db, type Document, MongoBulkWriteError } from 'mongodb';

type RollupDoc = { _id: string } & Record<string, unknown>;
/** A document keyed by a string `_id` whose other fields the driver does not type (dotted counter paths). */
interface KeyedDoc extends Document {
  _id: string;
}
interface IndexDoc {
  _id: string;
  workspaceId: string;
  grain: 'index';
  flows?: string[];
  steps?: StepKey[];
}

/**
 * The rollup collections as the worker writes them (layout: @pipewright/operations rollup-layout.ts): positions of
 * flows and steps in each workspace's index document (cached: append-only, so never stale), `$inc` upserts, failed
 * runs inserted once, and the purge of documents past their grain's retention.
 */
export class RunRollupStore {
  readonly #db: Db;
  readonly #positions = new Map<string, { flows: Map<string, number>; steps: Map<string, number> }>();

  constructor(db: Db) {
    this.#db = db;
  }

  async ensureIndexes(): Promise<void> {
    // The failed-runs queue lists a workspace's failures newest first.
    await this.#db.collection(RUN_FAILURES_COLLECTION).createIndex({ workspaceId: 1, failedAt: -1 });
  }

  /** Makes sure every flow and step named has a position in its workspace's index document. */
  async assignPositions(keys: Map<string, { flows: string[]; steps: StepKey[] }>): Promise<void> {
    const index = this.#db.collection<IndexDoc>(RUN_ROLLUP_COLLECTION);
    for (const [workspaceId, wanted] of keys) {
      const known = this.#positions.get(workspaceId);
      const flows = wanted.flows.filter((flowId) => known?.flows.get(flowId) === undefined);
      const steps = wanted.steps.filter((step) => known?.steps.get(stepKey(step)) === undefined);
      if (known && flows.length === 0 && steps.length === 0) continue;
      await index.updateOne(
        { _id: indexDocId(workspaceId) },
        {
          $setOnInsert: { workspaceId, grain: 'index' },
          // Plain objects in one field order, so $addToSet recognises a pair it holds already.
          $addToSet: {
            flows: { $each: flows },
            steps: { $each: steps.map((step) => ({ flowId: step.flowId, nodeId: step.nodeId })) },
          },
        },
        { upsert: true },
      );
      const doc = await index.findOne({ _id: indexDocId(workspaceId) });
      this.#positions.set(workspaceId, {
        flows: new Map((doc?.flows ?? []).map((flowId, position) => [flowId, position])),
        steps: new Map((doc?.steps ?? []).map((step, position) => [stepKey(step), position])),
      });
    }
  }

  readonly positions: RollupPositions = {
    flow: (workspaceId, flowId) => this.#positions.get(workspaceId)?.flows.get(flowId),
    step: (workspaceId, flowId, nodeId) => this.#positions.get(workspaceId)?.steps.get(stepKey({ flowId, nodeId })),
  };

  /** One upsert of one rollup document (a writer retries the ones not applied yet, never the batch). */
  async applyOne(write: RollupWrite): Promise<void> {
    const { update } = write;
    await this.#db.collection<KeyedDoc>(write.collection).updateOne(
      { _id: update.id },
      {
        $setOnInsert: update.setOnInsert,
        $inc: update.inc,
        ...(Object.keys(update.set).length > 0 ? { $set: update.set } : {}),
      },
      { upsert: true },
    );
  }

  /**
   * Inserts each failed run once, and counts the ones inserted in the workspace's open-failure counters: a report
   * repeated (a workflow task run again) changes nothing.
   */
  async insertFailures(failures: RunFailureDocument[]): Promise<void> {
    if (failures.length === 0) return;
    let inserted = failures;
    try {
      await this.#db.collection<RunFailureDocument>(RUN_FAILURES_COLLECTION).insertMany(failures, { ordered: false });
    } catch (error) {
      if (!(error instanceof MongoBulkWriteError)) throw error;
      const errors = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
      if (!errors.every((e) => e.code === 11000)) throw error;
      const duplicates = new Set(errors.map((e) => e.index));
      inserted = failures.filter((_, index) => !duplicates.has(index));
    }
    const changes = failureCountChanges(inserted, 1);
    if (changes.size === 0) return;
    await this.#db.collection<KeyedDoc>(RUN_FAILURE_COUNTS_COLLECTION).bulkWrite(
      [...changes].map(([workspaceId, inc]) => ({
        // A document created here counts from its first failure: nothing to recount (failures stored before
        // counters existed are counted by the server's backfill).
        updateOne: {
          filter: { _id: workspaceId },
          update: { $inc: inc, $setOnInsert: { reconciledAt: new Date() } },
          upsert: true,
        },
      })),
      { ordered: false },
    );
  }

  /** Deletes documents past their grain's retention (a scan, but of small collections, once an hour). */
  async purge(now: number): Promise<void> {
    for (const name of [RUN_ROLLUP_COLLECTION, RUN_STEP_ROLLUP_COLLECTION]) {
      const collection = this.#db.collection<RollupDoc>(name);
      await collection.deleteMany({ grain: 'minute', at: { $lt: new Date(now - MINUTE_RETENTION_MS) } });
      await collection.deleteMany({ grain: 'hour', at: { $lt: new Date(now - HOUR_RETENTION_MS) } });
    }
  }
}

const stepKey = (step: StepKey) => JSON.stringify([step.flowId, step.nodeId]);

/** One upsert of a rollup document: a part of a split update (see `splitUpdate`). */
export interface RollupWrite {
  collection: typeof RUN_ROLLUP_COLLECTION | typeof RUN_STEP_ROLLUP_COLLECTION;
  update: RollupUpdate;
}

/**
 * The upserts that apply `runs` and `steps`, in the order to apply them: steps first (once runs are counted, their
 * steps are: a view never shows runs without their steps), and the parts of a split
 * update in order (they upsert one document, and must not race to insert it).
 */
export function rollupWrites(runs: readonly RollupUpdate[], steps: readonly RollupUpdate[]): RollupWrite[] {
  const writes = (collection: RollupWrite['collection'], updates: readonly RollupUpdate[]) =>
    updates.flatMap((update) => splitUpdate(update)).map((update) => ({ collection, update }));
  return [...writes(RUN_STEP_ROLLUP_COLLECTION, steps), ...writes(RUN_ROLLUP_COLLECTION, runs)];
}
