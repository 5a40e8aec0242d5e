import type { Collection, Db } from 'mongodb';
import { z } from 'zod';

const refusalSchema = z.object({
  _id: z.string(),
  workspaceId: z.string(),
  flowId: z.string(),
  at: z.date(),
  /** The HTTP status the sender got (401, 405, 413, 415, 400…). */
  status: z.number().int(),
  /** The error code of the answer: `invalid_signature`, `payload_too_large`, `too_deeply_nested`… */
  reason: z.string(),
  /** The answer's message, cut to 300 characters. */
  message: z.string(),
  method: z.string(),
});
export type WebhookRefusalRecord = z.infer<typeof refusalSchema>;

/**
 * Webhook deliveries the ingress refused after it knew the flow (unknown tokens are not attributable and are not
 * kept): accepted deliveries become runs, refused ones land here, so nothing a sender sent vanishes without trace.
 * Append-only; like other records it is never purged (docs/architecture.md, Known gaps).
 */
export class WebhookRefusalsRepository {
  readonly #refusals: Collection<WebhookRefusalRecord>;

  constructor(db: Db) {
    this.#refusals = db.collection<WebhookRefusalRecord>('webhook_refusals');
  }

  async ensureIndexes(): Promise<void> {
    await this.#refusals.createIndex({ workspaceId: 1, flowId: 1, at: -1 });
  }

  async append(record: WebhookRefusalRecord): Promise<void> {
    await this.#refusals.insertOne(record);
  }

  /** Newest first. */
  async listForFlow(workspaceId: string, flowId: string, limit: number): Promise<WebhookRefusalRecord[]> {
    const records = await this.#refusals.find({ workspaceId, flowId }).sort({ at: -1 }).limit(limit).toArray();
    return records.map((record) => refusalSchema.parse(record));
  }
}
