import type { Collection, Db } from 'mongodb';
import { z } from 'zod';

const inviteSchema = z.object({
  _id: z.string(),
  workspaceId: z.string(),
  email: z.string(),
  role: z.enum(['admin', 'developer', 'builder', 'viewer']),
  /** SHA-256 of the link's token. */
  tokenHash: z.string(),
  invitedBy: z.string(),
  expiresAt: z.date(),
  createdAt: z.date(),
  acceptedAt: z.date().optional(),
});
export type InviteRecord = z.infer<typeof inviteSchema>;

export class InvitesRepository {
  readonly #invites: Collection<InviteRecord>;

  constructor(db: Db) {
    this.#invites = db.collection<InviteRecord>('invites');
  }

  async ensureIndexes(): Promise<void> {
    await this.#invites.createIndex({ tokenHash: 1 }, { unique: true, name: 'tokenHash_unique' });
    await this.#invites.createIndex({ workspaceId: 1, createdAt: -1 }, { name: 'workspace_createdAt' });
    await this.#invites.createIndex({ email: 1, createdAt: -1 }, { name: 'email_createdAt' });
  }

  async insert(invite: InviteRecord): Promise<void> {
    await this.#invites.insertOne(invite);
  }

  /** An invite that is neither accepted nor expired. */
  async findOpen(tokenHash: string, now: Date): Promise<InviteRecord | null> {
    const found = await this.#invites.findOne({ tokenHash });
    if (found === null) return null;
    const invite = inviteSchema.parse(found);
    return invite.acceptedAt === undefined && invite.expiresAt > now ? invite : null;
  }

  async findOpenById(id: string, now: Date): Promise<InviteRecord | null> {
    const found = await this.#invites.findOne({ _id: id });
    if (found === null) return null;
    const invite = inviteSchema.parse(found);
    return invite.acceptedAt === undefined && invite.expiresAt > now ? invite : null;
  }

  /** Open invites sent to this (lower-cased) e-mail, from any workspace, newest first. */
  async listOpenForEmail(email: string, now: Date): Promise<InviteRecord[]> {
    const found = await this.#invites
      .find({ email, acceptedAt: { $exists: false }, expiresAt: { $gt: now } })
      .sort({ createdAt: -1, _id: 1 })
      .limit(100)
      .toArray();
    return found.map((invite) => inviteSchema.parse(invite));
  }

  async listOpen(workspaceId: string, now: Date): Promise<InviteRecord[]> {
    const found = await this.#invites
      .find({ workspaceId, acceptedAt: { $exists: false }, expiresAt: { $gt: now } })
      .sort({ createdAt: -1, _id: 1 })
      .toArray();
    return found.map((invite) => inviteSchema.parse(invite));
  }

  /** False when somebody accepted it first. */
  async markAccepted(id: string, at: Date): Promise<boolean> {
    const result = await this.#invites.updateOne(
      { _id: id, acceptedAt: { $exists: false } },
      { $set: { acceptedAt: at } },
    );
    return result.modifiedCount > 0;
  }
}
