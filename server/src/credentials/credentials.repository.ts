import { sealedCredentialSchema } from '@pipewright/secrets';
import { type Collection, type Db, MongoServerError } from 'mongodb';
import { z } from 'zod';
import { findOwned } from '../owned.ts';

/**
 * One stored credential.  Only the name and type are readable at rest; every value (secret or not) is inside
 * `sealed` (envelope encryption bound to workspace + id).  `version` increases with every change of `sealed` or
 * `name`, so writers compare-and-set on it (the master-key rotation among them).
 */
const credentialRecordSchema = z.object({
  _id: z.string(),
  workspaceId: z.string(),
  name: z.string(),
  type: z.string(),
  typeVersion: z.number().int(),
  sealed: sealedCredentialSchema,
  version: z.number().int(),
  createdAt: z.date(),
  updatedAt: z.date(),
  lastUsedAt: z.date().nullable(),
  /** Admin-set network allowance the worker's SSRF guard reads (worker/src/credentials/credential-resolver.ts). */
  network: z
    .object({
      allowPrivate: z.boolean(),
      allowMetadata: z.boolean().optional(),
      allowedHosts: z.array(z.string()).optional(),
    })
    .optional(),
});
export type CredentialRecord = z.infer<typeof credentialRecordSchema>;

/** The collection the worker's credential resolver reads too (worker/src/credentials). */
export const CREDENTIALS_COLLECTION = 'credentials';
const DUPLICATE_KEY = 11000;

export class DuplicateCredentialNameError extends Error {
  constructor(name: string) {
    super(`a credential named "${name}" already exists in this workspace`);
    this.name = 'DuplicateCredentialNameError';
  }
}

export class CredentialsRepository {
  readonly #credentials: Collection<CredentialRecord>;

  constructor(db: Db) {
    this.#credentials = db.collection<CredentialRecord>(CREDENTIALS_COLLECTION);
  }

  async ensureIndexes(): Promise<void> {
    await this.#credentials.createIndex({ workspaceId: 1, name: 1 }, { unique: true, name: 'workspace_name_unique' });
  }

  async insert(record: CredentialRecord): Promise<void> {
    try {
      await this.#credentials.insertOne(record);
    } catch (error) {
      throw isDuplicate(error) ? new DuplicateCredentialNameError(record.name) : error;
    }
  }

  async findById(workspaceId: string, id: string): Promise<CredentialRecord | null> {
    const found = await findOwned(this.#credentials, id, workspaceId);
    return found === null ? null : credentialRecordSchema.parse(found);
  }

  async list(workspaceId: string): Promise<CredentialRecord[]> {
    const found = await this.#credentials.find({ workspaceId }).sort({ name: 1 }).toArray();
    return found.map((record) => credentialRecordSchema.parse(record));
  }

  /** Every credential of every workspace, in id order, from `afterId` on (the rotation walks them in pages). */
  async page(afterId: string | undefined, limit: number): Promise<CredentialRecord[]> {
    const filter = afterId === undefined ? {} : { _id: { $gt: afterId } };
    const found = await this.#credentials.find(filter).sort({ _id: 1 }).limit(limit).toArray();
    return found.map((record) => credentialRecordSchema.parse(record));
  }

  /**
   * Applies `changes` only if the record is still at `expectedVersion`, bumping it.  False when someone else changed
   * it first (the caller reloads and retries, or reports a conflict).
   */
  async compareAndSet(
    record: Pick<CredentialRecord, '_id' | 'workspaceId' | 'version'>,
    changes: Partial<Pick<CredentialRecord, 'name' | 'sealed' | 'typeVersion' | 'updatedAt' | 'network'>>,
  ): Promise<boolean> {
    try {
      const result = await this.#credentials.updateOne(
        { _id: record._id, workspaceId: record.workspaceId, version: record.version },
        { $set: { ...changes, version: record.version + 1 } },
      );
      return result.matchedCount === 1;
    } catch (error) {
      if (isDuplicate(error) && changes.name !== undefined) throw new DuplicateCredentialNameError(changes.name);
      throw error;
    }
  }

  /** Stamps `lastUsedAt` without touching `version` (a use is not an edit). */
  async touchLastUsed(workspaceId: string, id: string, at: Date): Promise<void> {
    await this.#credentials.updateOne({ _id: id, workspaceId }, { $set: { lastUsedAt: at } });
  }

  async delete(workspaceId: string, id: string): Promise<boolean> {
    const result = await this.#credentials.deleteOne({ _id: id, workspaceId });
    return result.deletedCount === 1;
  }
}

function isDuplicate(error: unknown): boolean {
  return error instanceof MongoServerError && error.code === DUPLICATE_KEY;
}
