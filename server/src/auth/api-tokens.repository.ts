import type { Collection, Db } from 'mongodb';
import { z } from 'zod';
import { findOwned } from '../owned.ts';

const apiTokenSchema = z.object({
  _id: z.string(),
  workspaceId: z.string(),
  userId: z.string(),
  name: z.string(),
  /** SHA-256 of the whole token; the token itself is shown once and never stored. */
  tokenHash: z.string(),
  prefix: z.string(),
  role: z.enum(['admin', 'developer', 'builder', 'viewer']),
  createdAt: z.date(),
  lastUsedAt: z.date().optional(),
  revokedAt: z.date().optional(),
});
export type ApiTokenRecord = z.infer<typeof apiTokenSchema>;

export class ApiTokensRepository {
  readonly #tokens: Collection<ApiTokenRecord>;

  constructor(db: Db) {
    this.#tokens = db.collection<ApiTokenRecord>('api_tokens');
  }

  async ensureIndexes(): Promise<void> {
    await this.#tokens.createIndex({ tokenHash: 1 }, { unique: true, name: 'tokenHash_unique' });
    await this.#tokens.createIndex({ workspaceId: 1, createdAt: -1 }, { name: 'workspace_createdAt' });
  }

  async insert(token: ApiTokenRecord): Promise<void> {
    await this.#tokens.insertOne(token);
  }

  /** The token with this hash unless revoked. */
  async findActive(tokenHash: string): Promise<ApiTokenRecord | null> {
    const found = await this.#tokens.findOne({ tokenHash });
    if (found === null) return null;
    const token = apiTokenSchema.parse(found);
    return token.revokedAt === undefined ? token : null;
  }

  async find(workspaceId: string, id: string): Promise<ApiTokenRecord | null> {
    const found = await findOwned(this.#tokens, id, workspaceId);
    return found === null ? null : apiTokenSchema.parse(found);
  }

  /** Active tokens, newest first; only the user's own unless `userId` is undefined. */
  async list(workspaceId: string, userId: string | undefined): Promise<ApiTokenRecord[]> {
    const filter = userId === undefined ? { workspaceId } : { workspaceId, userId };
    const found = await this.#tokens
      .find({ ...filter, revokedAt: { $exists: false } })
      .sort({ createdAt: -1, _id: 1 })
      .toArray();
    return found.map((token) => apiTokenSchema.parse(token));
  }

  async touch(id: string, at: Date): Promise<void> {
    await this.#tokens.updateOne({ _id: id }, { $set: { lastUsedAt: at } });
  }

  async revoke(workspaceId: string, id: string, at: Date): Promise<void> {
    await this.#tokens.updateOne({ _id: id, workspaceId }, { $set: { revokedAt: at } });
  }
}
