import { STEP_PAUSES_COLLECTION, type StepPause, stepPauseIdOf } from '@pipewright/run-contract';
import type { Collection, Db } from 'mongodb';
import { z } from 'zod';

const stepPauseRecordSchema = z.object({
  _id: z.string(),
  workspaceId: z.string(),
  kind: z.enum(['connector', 'credential']),
  /** The connector type or the credential id (a value, never a field name). */
  target: z.string(),
  by: z.object({ userId: z.string().nullable(), email: z.string().nullable() }),
  at: z.date(),
  reason: z.string().optional(),
});
export type StepPauseRecord = z.infer<typeof stepPauseRecordSchema>;

/**
 * Connector types and credentials an admin paused, per workspace (`step_pauses`).  Workers read it before every step
 * (step-host pauses/step-pauses.ts, cached a few seconds); documents are keyed by `stepPauseIdOf`, so a pause and its
 * resume are one write by `_id` each, and a repeated pause replaces the first.
 */
export class StepPausesRepository {
  readonly #pauses: Collection<StepPauseRecord>;

  constructor(db: Db) {
    this.#pauses = db.collection<StepPauseRecord>(STEP_PAUSES_COLLECTION);
  }

  async put(record: Omit<StepPauseRecord, '_id'>): Promise<StepPauseRecord> {
    const stored = { _id: stepPauseIdOf(record.workspaceId, { kind: record.kind, id: record.target }), ...record };
    await this.#pauses.replaceOne({ _id: stored._id }, stored, { upsert: true });
    return stored;
  }

  /** False when it was not paused. */
  async remove(workspaceId: string, pause: StepPause): Promise<boolean> {
    const result = await this.#pauses.deleteOne({ _id: stepPauseIdOf(workspaceId, pause), workspaceId });
    return result.deletedCount === 1;
  }

  async find(workspaceId: string, pause: StepPause): Promise<StepPauseRecord | null> {
    const found = await this.#pauses.findOne({ _id: stepPauseIdOf(workspaceId, pause), workspaceId });
    return found === null ? null : stepPauseRecordSchema.parse(found);
  }

  async list(workspaceId: string): Promise<StepPauseRecord[]> {
    const found = await this.#pauses.find({ workspaceId }).sort({ at: 1, _id: 1 }).toArray();
    return found.map((item) => stepPauseRecordSchema.parse(item));
  }
}
