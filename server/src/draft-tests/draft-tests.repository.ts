import type { Collection, Db } from 'mongodb';
import { z } from 'zod';
import { findOwned } from '../owned.ts';

/** A draft test (docs/adr/016): what was tested; the report comes from its workflow and is kept once it ended. */
const draftTestRecordSchema = z.object({
  _id: z.string(),
  workspaceId: z.string(),
  flowId: z.string(),
  /** sha256 of the draft document tested: a later save makes the test stale, and publish looks for a current one. */
  documentHash: z.string(),
  createdBy: z.string(),
  createdAt: z.date(),
  runIds: z.array(z.string()),
  realCalls: z.array(z.string()),
  /** Once the workflow ended: `done` with the report as JSON text (a report's keys never become field names). */
  outcome: z.enum(['done', 'failed']).optional(),
  reportJson: z.string().optional(),
  error: z.string().optional(),
});
export type DraftTestRecord = z.infer<typeof draftTestRecordSchema>;

/** Tests kept per flow listing: the newest. */
export const LISTED_DRAFT_TESTS = 20;

export class DraftTestsRepository {
  readonly #tests: Collection<DraftTestRecord>;

  constructor(db: Db) {
    this.#tests = db.collection<DraftTestRecord>('draft_tests');
  }

  async ensureIndexes(): Promise<void> {
    await this.#tests.createIndex({ workspaceId: 1, flowId: 1, createdAt: -1 }, { name: 'workspace_flow_createdAt' });
  }

  async insert(record: DraftTestRecord): Promise<void> {
    await this.#tests.insertOne(record);
  }

  async find(workspaceId: string, id: string): Promise<DraftTestRecord | null> {
    const found = await findOwned(this.#tests, id, workspaceId);
    return found === null ? null : draftTestRecordSchema.parse(found);
  }

  /** The flow's newest tests first. */
  async listOf(workspaceId: string, flowId: string, limit = LISTED_DRAFT_TESTS): Promise<DraftTestRecord[]> {
    const found = await this.#tests
      .find({ workspaceId, flowId })
      .sort({ createdAt: -1, _id: 1 })
      .limit(limit)
      .toArray();
    return found.map((item) => draftTestRecordSchema.parse(item));
  }

  /** Keeps how the test ended; a test ends once, so a second writer writes the same. */
  async recordOutcome(
    id: string,
    outcome: Required<Pick<DraftTestRecord, 'outcome'>> & Pick<DraftTestRecord, 'reportJson' | 'error'>,
  ): Promise<void> {
    await this.#tests.updateOne({ _id: id }, { $set: outcome });
  }
}
