import { type Collection, type Db, MongoServerError } from 'mongodb';
import { z } from 'zod';

/** An immutable published version: the document as published and its compiled plan, both encoded JSON. */
const versionRecordSchema = z.object({
  _id: z.string(),
  workspaceId: z.string(),
  flowId: z.string(),
  version: z.number().int(),
  documentJson: z.string(),
  planJson: z.string(),
  hash: z.string(),
  createdAt: z.date(),
});
export type FlowVersionRecord = z.infer<typeof versionRecordSchema>;
export type FlowVersionSummaryRecord = Omit<FlowVersionRecord, 'documentJson' | 'planJson'>;

const summarySchema = versionRecordSchema.omit({ documentJson: true, planJson: true });

export class FlowVersionsRepository {
  readonly #versions: Collection<FlowVersionRecord>;

  constructor(db: Db) {
    this.#versions = db.collection<FlowVersionRecord>('flow_versions');
  }

  async ensureIndexes(): Promise<void> {
    await this.#versions.createIndex(
      { workspaceId: 1, flowId: 1, version: 1 },
      { unique: true, name: 'workspace_flow_version_unique' },
    );
  }

  /** Inserts a version; false when that version number already exists (a concurrent publish won). */
  async insert(record: FlowVersionRecord): Promise<boolean> {
    try {
      await this.#versions.insertOne(record);
      return true;
    } catch (error) {
      if (error instanceof MongoServerError && error.code === 11000) return false;
      throw error;
    }
  }

  async find(workspaceId: string, flowId: string, version: number): Promise<FlowVersionRecord | null> {
    const found = await this.#versions.findOne({ workspaceId, flowId, version });
    return found === null ? null : versionRecordSchema.parse(found);
  }

  async list(workspaceId: string, flowId: string): Promise<FlowVersionSummaryRecord[]> {
    const found = await this.#versions
      .find({ workspaceId, flowId }, { projection: { documentJson: 0, planJson: 0 } })
      .sort({ version: -1 })
      .toArray();
    return found.map((item) => summarySchema.parse(item));
  }

  async deleteForFlow(workspaceId: string, flowId: string): Promise<void> {
    await this.#versions.deleteMany({ workspaceId, flowId });
  }
}
