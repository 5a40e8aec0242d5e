import type { Collection, Db } from 'mongodb';
import { z } from 'zod';

const auditSchema = z.object({
  _id: z.string(),
  workspaceId: z.string(),
  at: z.date(),
  actor: z.object({
    userId: z.string().nullable(),
    email: z.string().nullable(),
    via: z.enum(['session', 'token', 'system']),
  }),
  action: z.string(),
  target: z.object({ type: z.string(), id: z.string() }),
  /** Stored as JSON text: user-controlled keys with dots or `$` stay data. */
  detailsJson: z.string().optional(),
});
export type AuditRecord = z.infer<typeof auditSchema>;

/** Append-only: this class has no update or delete. */
export class AuditRepository {
  readonly #audit: Collection<AuditRecord>;

  constructor(db: Db) {
    this.#audit = db.collection<AuditRecord>('audit');
  }

  async ensureIndexes(): Promise<void> {
    await this.#audit.createIndex({ workspaceId: 1, at: -1 }, { name: 'workspace_at' });
  }

  async append(record: AuditRecord): Promise<void> {
    await this.#audit.insertOne(record);
  }

  /** Newest first; `before` pages back from an entry's time. */
  async list(workspaceId: string, options: { limit: number; before?: Date }): Promise<AuditRecord[]> {
    const filter = options.before === undefined ? { workspaceId } : { workspaceId, at: { $lt: options.before } };
    const found = await this.#audit.find(filter).sort({ at: -1, _id: -1 }).limit(options.limit).toArray();
    return found.map((record) => auditSchema.parse(record));
  }
}
