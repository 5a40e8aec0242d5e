import { DEFAULT_FAIRNESS_WEIGHT, FAIRNESS_COLLECTION, type FairnessRecord } from '@pipewright/run-contract';
import type { Collection, Db } from 'mongodb';

/**
 * A workspace's weight (`workspace_fairness`, one document per workspace, `_id` = its id).  Run starts read it
 * through a short cache (run-lanes.ts here, the worker's trigger runner); a change is one replace by `_id`.
 */
export class FairnessRepository {
  readonly #records: Collection<FairnessRecord>;

  constructor(db: Db) {
    this.#records = db.collection<FairnessRecord>(FAIRNESS_COLLECTION);
  }

  get(workspaceId: string): Promise<FairnessRecord | null> {
    return this.#records.findOne({ _id: workspaceId });
  }

  /** Sets what is given (`maxWaitingRuns: null` removes the workspace's own ceiling); a new record weighs 1. */
  async put(
    workspaceId: string,
    change: { weight?: number | undefined; maxWaitingRuns?: number | null | undefined },
    updatedBy: string,
  ): Promise<FairnessRecord> {
    const current = await this.get(workspaceId);
    const { maxWaitingRuns: _removed, ...kept } = current ?? { _id: workspaceId, weight: DEFAULT_FAIRNESS_WEIGHT };
    const record: FairnessRecord = {
      ...kept,
      ...(change.weight === undefined ? {} : { weight: change.weight }),
      ...(change.maxWaitingRuns === undefined
        ? current?.maxWaitingRuns === undefined
          ? {}
          : { maxWaitingRuns: current.maxWaitingRuns }
        : change.maxWaitingRuns === null
          ? {}
          : { maxWaitingRuns: change.maxWaitingRuns }),
      updatedAt: new Date(),
      updatedBy,
    };
    // One replace by `_id`: the last write wins, as for every other workspace setting.
    await this.#records.replaceOne({ _id: workspaceId }, record, { upsert: true });
    return record;
  }
}
