import type { Collection, Db } from 'mongodb';
import { z } from 'zod';

const sessionSchema = z.object({
  /** SHA-256 of the cookie's token: a leaked database does not hand out sessions. */
  _id: z.string(),
  userId: z.string(),
  workspaceId: z.string(),
  expiresAt: z.date(),
  createdAt: z.date(),
});
export type SessionRecord = z.infer<typeof sessionSchema>;

/** Browser sessions.  Expiry is checked on read (no TTL indexes on FerretDB); `purgeExpired` is for a scheduled job. */
export class SessionsRepository {
  readonly #sessions: Collection<SessionRecord>;

  constructor(db: Db) {
    this.#sessions = db.collection<SessionRecord>('sessions');
  }

  async ensureIndexes(): Promise<void> {
    await this.#sessions.createIndex({ userId: 1 }, { name: 'userId' });
  }

  async insert(session: SessionRecord): Promise<void> {
    await this.#sessions.insertOne(session);
  }

  /** The session with this token hash, unless it has expired. */
  async findLive(tokenHash: string, now: Date): Promise<SessionRecord | null> {
    const found = await this.#sessions.findOne({ _id: tokenHash });
    if (found === null) return null;
    const session = sessionSchema.parse(found);
    return session.expiresAt > now ? session : null;
  }

  /** The workspace the session acts in from now on (the caller checked the membership). */
  async setWorkspace(tokenHash: string, workspaceId: string): Promise<boolean> {
    const result = await this.#sessions.updateOne({ _id: tokenHash }, { $set: { workspaceId } });
    return result.matchedCount > 0;
  }

  async delete(tokenHash: string): Promise<void> {
    await this.#sessions.deleteOne({ _id: tokenHash });
  }

  async purgeExpired(now: Date): Promise<number> {
    return (await this.#sessions.deleteMany({ expiresAt: { $lte: now } })).deletedCount;
  }
}
