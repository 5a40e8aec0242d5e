import { type Collection, type Db, MongoServerError } from 'mongodb';
import { z } from 'zod';

/**
 * One registered version of a step package in a workspace — immutable once written.  The manifest is stored as
 * encoded JSON: JSON Schemas carry `$schema`/`$ref` keys, which must not become document keys
 * (docs/architecture.md, decision 8).
 */
const packageRecordSchema = z.object({
  _id: z.string(),
  workspaceId: z.string(),
  name: z.string(),
  version: z.string(),
  manifestJson: z.string(),
  /** sha256 of the canonical manifest: re-publishing a version must send the same content. */
  contentHash: z.string(),
  publishedAt: z.date(),
  publishedBy: z.string(),
});
export type StepPackageRecord = z.infer<typeof packageRecordSchema>;

export class StepPackagesRepository {
  readonly #packages: Collection<StepPackageRecord>;

  constructor(db: Db) {
    this.#packages = db.collection<StepPackageRecord>('step_packages');
  }

  async ensureIndexes(): Promise<void> {
    await this.#packages.createIndex({ workspaceId: 1, name: 1, publishedAt: 1 }, { name: 'workspace_name_published' });
  }

  static recordId(workspaceId: string, name: string, version: string): string {
    return `${workspaceId}:${name}@${version}`;
  }

  /** Inserts a version; false when it already exists (then compare `contentHash` with `find`). */
  async insert(record: StepPackageRecord): Promise<boolean> {
    try {
      await this.#packages.insertOne(record);
      return true;
    } catch (error) {
      if (error instanceof MongoServerError && error.code === 11000) return false;
      throw error;
    }
  }

  async find(workspaceId: string, name: string, version: string): Promise<StepPackageRecord | null> {
    const found = await this.#packages.findOne({ _id: StepPackagesRepository.recordId(workspaceId, name, version) });
    return found === null ? null : packageRecordSchema.parse(found);
  }

  /** Makes an already registered version the current one again (its content never changes). */
  async markCurrent(id: string, at: Date): Promise<void> {
    await this.#packages.updateOne({ _id: id }, { $set: { publishedAt: at } });
  }

  /** Every version of every package of the workspace, oldest first. */
  async listAll(workspaceId: string): Promise<StepPackageRecord[]> {
    const found = await this.#packages.find({ workspaceId }).sort({ publishedAt: 1, _id: 1 }).toArray();
    return found.map((item) => packageRecordSchema.parse(item));
  }
}
