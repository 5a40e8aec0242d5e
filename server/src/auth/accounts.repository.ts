import { type Collection, type Db, MongoServerError } from 'mongodb';
import { z } from 'zod';
import type { Role } from './auth-context.ts';

const roleSchema = z.enum(['admin', 'developer', 'builder', 'viewer']);

const userSchema = z.object({
  _id: z.string(),
  /** Lower-cased; unique. */
  email: z.string(),
  name: z.string(),
  passwordHash: z.string(),
  createdAt: z.date(),
  /** The workspace the user last switched to: where signing in lands while they are still a member there. */
  lastWorkspaceId: z.string().optional(),
});
export type UserRecord = z.infer<typeof userSchema>;

const workspaceSchema = z.object({ _id: z.string(), name: z.string(), createdAt: z.date() });
export type WorkspaceRecord = z.infer<typeof workspaceSchema>;

const membershipSchema = z.object({
  /** `${workspaceId}:${userId}`: one membership per user and workspace. */
  _id: z.string(),
  workspaceId: z.string(),
  userId: z.string(),
  role: roleSchema,
  createdAt: z.date(),
});
export type MembershipRecord = z.infer<typeof membershipSchema>;

interface BootstrapRecord {
  _id: string;
  at: Date;
}

const DUPLICATE_KEY = 11000;
export const isDuplicateKey = (error: unknown): boolean =>
  error instanceof MongoServerError && error.code === DUPLICATE_KEY;

export const membershipId = (workspaceId: string, userId: string): string => `${workspaceId}:${userId}`;

/** Users, workspaces and who belongs where with which role. */
export class AccountsRepository {
  readonly #users: Collection<UserRecord>;
  readonly #workspaces: Collection<WorkspaceRecord>;
  readonly #memberships: Collection<MembershipRecord>;
  readonly #bootstrap: Collection<BootstrapRecord>;

  constructor(db: Db) {
    this.#users = db.collection<UserRecord>('users');
    this.#workspaces = db.collection<WorkspaceRecord>('workspaces');
    this.#memberships = db.collection<MembershipRecord>('memberships');
    this.#bootstrap = db.collection<BootstrapRecord>('bootstrap');
  }

  async ensureIndexes(): Promise<void> {
    await this.#users.createIndex({ email: 1 }, { unique: true, name: 'email_unique' });
    await this.#memberships.createIndex({ workspaceId: 1, createdAt: 1 }, { name: 'workspace_createdAt' });
    await this.#memberships.createIndex({ userId: 1, createdAt: 1 }, { name: 'user_createdAt' });
  }

  /**
   * Claims the one-time "first user" sign-up: a unique `_id` insert, so of two racing first sign-ups exactly one
   * wins (no transactions on FerretDB).  False when somebody already claimed it.
   */
  async claimFirstUser(): Promise<boolean> {
    try {
      await this.#bootstrap.insertOne({ _id: 'first-user', at: new Date() });
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }

  async hasUsers(): Promise<boolean> {
    return (await this.#bootstrap.countDocuments({ _id: 'first-user' }, { limit: 1 })) > 0;
  }

  /** False when the e-mail is taken. */
  async insertUser(user: UserRecord): Promise<boolean> {
    try {
      await this.#users.insertOne(user);
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }

  async findUserByEmail(email: string): Promise<UserRecord | null> {
    const found = await this.#users.findOne({ email: email.toLowerCase() });
    return found === null ? null : userSchema.parse(found);
  }

  async findUser(id: string): Promise<UserRecord | null> {
    const found = await this.#users.findOne({ _id: id });
    return found === null ? null : userSchema.parse(found);
  }

  async findUsers(ids: string[]): Promise<UserRecord[]> {
    const found = await this.#users.find({ _id: { $in: ids } }).toArray();
    return found.map((user) => userSchema.parse(user));
  }

  async insertWorkspace(workspace: WorkspaceRecord): Promise<void> {
    await this.#workspaces.insertOne(workspace);
  }

  async findWorkspace(id: string): Promise<WorkspaceRecord | null> {
    const found = await this.#workspaces.findOne({ _id: id });
    return found === null ? null : workspaceSchema.parse(found);
  }

  /** False when the user already belongs to the workspace. */
  async insertMembership(input: { workspaceId: string; userId: string; role: Role }): Promise<boolean> {
    try {
      await this.#memberships.insertOne({
        _id: membershipId(input.workspaceId, input.userId),
        ...input,
        createdAt: new Date(),
      });
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }

  async findMembership(workspaceId: string, userId: string): Promise<MembershipRecord | null> {
    const found = await this.#memberships.findOne({ _id: membershipId(workspaceId, userId) });
    return found === null ? null : membershipSchema.parse(found);
  }

  /** The workspace a user signs in to: the first one they joined. */
  async firstMembershipOf(userId: string): Promise<MembershipRecord | null> {
    const found = await this.#memberships.find({ userId }).sort({ createdAt: 1, _id: 1 }).limit(1).toArray();
    return found[0] === undefined ? null : membershipSchema.parse(found[0]);
  }

  async setLastWorkspace(userId: string, workspaceId: string): Promise<void> {
    await this.#users.updateOne({ _id: userId }, { $set: { lastWorkspaceId: workspaceId } });
  }

  /** Every workspace a user belongs to, oldest membership first (the workspace switcher). */
  async listMembershipsOf(userId: string): Promise<MembershipRecord[]> {
    const found = await this.#memberships.find({ userId }).sort({ createdAt: 1, _id: 1 }).toArray();
    return found.map((membership) => membershipSchema.parse(membership));
  }

  async findWorkspaces(ids: string[]): Promise<WorkspaceRecord[]> {
    const found = await this.#workspaces.find({ _id: { $in: ids } }).toArray();
    return found.map((workspace) => workspaceSchema.parse(workspace));
  }

  async listMemberships(workspaceId: string): Promise<MembershipRecord[]> {
    const found = await this.#memberships.find({ workspaceId }).sort({ createdAt: 1, _id: 1 }).toArray();
    return found.map((membership) => membershipSchema.parse(membership));
  }

  async countAdmins(workspaceId: string): Promise<number> {
    return this.#memberships.countDocuments({ workspaceId, role: 'admin' });
  }

  async setRole(workspaceId: string, userId: string, role: Role): Promise<boolean> {
    const result = await this.#memberships.updateOne({ _id: membershipId(workspaceId, userId) }, { $set: { role } });
    return result.matchedCount > 0;
  }

  async deleteMembership(workspaceId: string, userId: string): Promise<boolean> {
    const result = await this.#memberships.deleteOne({ _id: membershipId(workspaceId, userId) });
    return result.deletedCount > 0;
  }
}
