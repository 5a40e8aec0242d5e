import { FAIRNESS_COLLECTION, type FairnessRecord } from '@pipewright/run-contract';
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

  async put(workspaceId: string, weight: number, updatedBy: string): Promise<FairnessRecord> {
    const record: FairnessRecord = { _id: workspaceId, weight, updatedAt: new Date(), updatedBy };
    await this.#records.replaceOne({ _id: workspaceId }, record, { upsert: true });
    return record;
  }
}
