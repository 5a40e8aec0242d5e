import {
  indexDocId,
  type RollupDocument,
  RUN_FAILURES_COLLECTION,
  RUN_ROLLUP_COLLECTION,
  RUN_STEP_ROLLUP_COLLECTION,
  type StepKey,
} from '@pipewright/operations';
import type { Db } from 'mongodb';
import { z } from 'zod';

const indexSchema = z.object({
  flows: z.array(z.string()).default([]),
  steps: z.array(z.object({ flowId: z.string(), nodeId: z.string() })).default([]),
});

/**
 * Reads the rollups the workers write (worker/src/run-reports) and the failed runs.  Every rollup read is one
 * `{ _id }` lookup: FerretDB v1 answers only that without decoding every document of the collection.
 */
export class OperationsRepository {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  /** The failed-runs queue lists a workspace's failures newest first; the worker creates the same index. */
  async ensureIndexes(): Promise<void> {
    await this.#db.collection(RUN_FAILURES_COLLECTION).createIndex({ workspaceId: 1, failedAt: -1 });
  }

  async index(workspaceId: string): Promise<{ flows: string[]; steps: StepKey[] } | undefined> {
    const doc = await this.#db
      .collection<{ _id: string }>(RUN_ROLLUP_COLLECTION)
      .findOne({ _id: indexDocId(workspaceId) });
    return doc ? indexSchema.parse(doc) : undefined;
  }

  runDocs(ids: string[]): Promise<RollupDocument[]> {
    return this.#byIds(RUN_ROLLUP_COLLECTION, ids);
  }

  stepDocs(ids: string[]): Promise<RollupDocument[]> {
    return this.#byIds(RUN_STEP_ROLLUP_COLLECTION, ids);
  }

  /** One `findOne({ _id })` each, side by side: what FerretDB answers fast (an `$in` is a full scan there). */
  async #byIds(name: string, ids: string[]): Promise<RollupDocument[]> {
    const collection = this.#db.collection<RollupDocument>(name);
    const found = await Promise.all(ids.map((id) => collection.findOne({ _id: id })));
    return found.filter((doc): doc is RollupDocument => doc !== null);
  }
}
