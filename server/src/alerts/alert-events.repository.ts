import { alertChannelSchema } from '@pipewright/api-contract';
import type { Collection, Db, Filter } from 'mongodb';
import { MongoServerError } from 'mongodb';
import { z } from 'zod';

const deliverySchema = z.object({
  channel: z.enum(['email', 'chat', 'webhook']),
  /** The `deliverAlert` workflow that sends it (`<event id>.<channel index>`). */
  workflowId: z.string(),
  status: z.enum(['pending', 'sent', 'failed']),
  error: z.string().optional(),
});
export type AlertDelivery = z.infer<typeof deliverySchema>;

/**
 * One alert sent, or a test (`alert_events`): what it said, where it goes and how each channel's delivery went.
 * Deliveries are kept under fixed keys (`c0`, `c1`… by channel index) so one can be settled with a dotted `$set`.
 *
 * Its insert is the claim of a firing: a fired alert's id is `<rule id>.<state version it fired at>`, so two
 * servers that decide the same firing insert the same id and only one succeeds — an insert is atomic on FerretDB,
 * where a conditional update is not (two concurrent updates with the same filter may both match).  It carries
 * everything its delivery needs, so any server can hand it over (`handedOver`) after the one that claimed it died.
 */
const eventSchema = z.object({
  _id: z.string(),
  workspaceId: z.string(),
  flowId: z.string(),
  ruleId: z.string(),
  ruleName: z.string(),
  at: z.date(),
  kind: z.enum(['fired', 'test']),
  summary: z.string(),
  /** What the message names, as it was when the alert fired. */
  flowName: z.string(),
  conditionKind: z.enum(['failure_rate', 'run_failed', 'dlq_size', 'no_run']),
  link: z.string().optional(),
  /** The rule's channels when it fired (credential ids and addresses only, never secrets). */
  channels: z.array(alertChannelSchema),
  /** Its deliveries were started on Temporal (false: claimed, not yet handed over). */
  handedOver: z.boolean(),
  deliveries: z.record(z.string().regex(/^c\d+$/), deliverySchema),
  /** Some delivery has no outcome yet: the evaluator asks Temporal about it. */
  pending: z.boolean(),
});
export type AlertEventRecord = z.infer<typeof eventSchema>;

export const deliveryKey = (index: number): string => `c${index}`;

const DUPLICATE_KEY = 11000;

export class AlertEventsRepository {
  readonly #events: Collection<AlertEventRecord>;

  constructor(db: Db) {
    this.#events = db.collection<AlertEventRecord>('alert_events');
  }

  async ensureIndexes(): Promise<void> {
    await this.#events.createIndex({ workspaceId: 1, flowId: 1, at: -1 }, { name: 'workspace_flow_at' });
    await this.#events.createIndex({ pending: 1 }, { name: 'pending' });
    await this.#events.createIndex({ handedOver: 1 }, { name: 'handedOver' });
  }

  /** Records an alert; false when one with its id exists (another server claimed this firing). */
  async insert(record: AlertEventRecord): Promise<boolean> {
    try {
      await this.#events.insertOne(record);
      return true;
    } catch (error) {
      if (error instanceof MongoServerError && error.code === DUPLICATE_KEY) return false;
      throw error;
    }
  }

  /** Alerts claimed and not yet handed over (their server died in between), oldest first, any workspace. */
  async listNotHandedOver(limit: number): Promise<AlertEventRecord[]> {
    const found = await this.#events.find({ handedOver: false }).sort({ at: 1 }).limit(limit).toArray();
    return found.map((record) => eventSchema.parse(record));
  }

  async markHandedOver(id: string): Promise<void> {
    await this.#events.updateOne({ _id: id }, { $set: { handedOver: true } });
  }

  async get(workspaceId: string, id: string): Promise<AlertEventRecord | null> {
    const found = await this.#events.findOne({ _id: id, workspaceId });
    return found === null ? null : eventSchema.parse(found);
  }

  /** Newest first. */
  async list(
    workspaceId: string,
    filter: { flowId?: string | undefined; ruleId?: string | undefined; limit: number },
  ): Promise<AlertEventRecord[]> {
    const query: Filter<AlertEventRecord> = { workspaceId };
    if (filter.flowId !== undefined) query.flowId = filter.flowId;
    if (filter.ruleId !== undefined) query.ruleId = filter.ruleId;
    const found = await this.#events.find(query).sort({ at: -1, _id: -1 }).limit(filter.limit).toArray();
    return found.map((record) => eventSchema.parse(record));
  }

  /** Events with a delivery still in flight, oldest first (any workspace). */
  async listPending(limit: number): Promise<AlertEventRecord[]> {
    const found = await this.#events.find({ pending: true }).sort({ at: 1 }).limit(limit).toArray();
    return found.map((record) => eventSchema.parse(record));
  }

  /** Records a delivery's outcome; the event stops being pending once no delivery is. */
  async settle(
    id: string,
    key: string,
    outcome: { status: 'sent' | 'failed'; error?: string | undefined },
  ): Promise<void> {
    await this.#events.updateOne(
      { _id: id },
      {
        $set: {
          [`deliveries.${key}.status`]: outcome.status,
          ...(outcome.error === undefined ? {} : { [`deliveries.${key}.error`]: outcome.error }),
        },
      },
    );
    const after = await this.#events.findOne({ _id: id });
    if (after === null) return;
    const stillPending = Object.values(eventSchema.parse(after).deliveries).some((item) => item.status === 'pending');
    if (!stillPending) await this.#events.updateOne({ _id: id }, { $set: { pending: false } });
  }
}
