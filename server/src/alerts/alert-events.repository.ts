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
 * Deliveries are kept under fixed keys (`c0`, `c1`… by channel index).  Their outcomes are inserted into
 * `alert_delivery_outcomes`, one document per delivery under its workflow id, and copied onto the event once every
 * channel has one: FerretDB applies an update as read, change, write back, so two channels settled at once by
 * updates of this one document could each write back the other's `pending` (a lost update).
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
  conditionKind: z.enum(['failure_rate', 'run_failed', 'dlq_size', 'no_run', 'waiting_age']),
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

/**
 * How one delivery ended (`alert_delivery_outcomes`, `_id` = its workflow id).  Written once, by whichever server
 * saw the workflow close; a second write of the same outcome is refused by the unique `_id`.
 */
interface DeliveryOutcomeRecord {
  _id: string;
  eventId: string;
  status: 'sent' | 'failed';
  error?: string;
  at: Date;
}

const DUPLICATE_KEY = 11000;

export class AlertEventsRepository {
  readonly #events: Collection<AlertEventRecord>;
  readonly #outcomes: Collection<DeliveryOutcomeRecord>;

  constructor(db: Db) {
    this.#events = db.collection<AlertEventRecord>('alert_events');
    this.#outcomes = db.collection<DeliveryOutcomeRecord>('alert_delivery_outcomes');
  }

  async ensureIndexes(): Promise<void> {
    await this.#events.createIndex({ workspaceId: 1, flowId: 1, at: -1 }, { name: 'workspace_flow_at' });
    await this.#events.createIndex({ pending: 1 }, { name: 'pending' });
    await this.#events.createIndex({ handedOver: 1 }, { name: 'handedOver' });
  }

  /** Records an alert; false when one with its id exists (another server claimed this firing). */
  insert(record: AlertEventRecord): Promise<boolean> {
    return insertOnce(this.#events, record);
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
    const found = await this.#events.findOne({ _id: id });
    return found === null || found.workspaceId !== workspaceId ? null : this.#withOutcomes(eventSchema.parse(found));
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
    return Promise.all(found.map((record) => this.#withOutcomes(eventSchema.parse(record))));
  }

  /**
   * Events handed over with a delivery still in flight, oldest first (any workspace).  One not yet handed over is
   * left out: its workflows may not exist yet, and asking Temporal about them would read as a lost delivery.
   */
  async listPending(limit: number): Promise<AlertEventRecord[]> {
    const found = await this.#events.find({ pending: true, handedOver: true }).sort({ at: 1 }).limit(limit).toArray();
    return Promise.all(found.map((record) => this.#withOutcomes(eventSchema.parse(record))));
  }

  /**
   * Records a delivery's outcome (the first one written stays), and once every channel of the event has one, copies
   * them onto the event and clears `pending`.  Both writes may be repeated by any server: they only ever write the
   * same final state.
   */
  async settle(
    eventId: string,
    workflowId: string,
    outcome: { status: 'sent' | 'failed'; error?: string | undefined },
  ): Promise<void> {
    await insertOnce(this.#outcomes, {
      _id: workflowId,
      eventId,
      status: outcome.status,
      ...(outcome.error === undefined ? {} : { error: outcome.error }),
      at: new Date(),
    });
    const found = await this.#events.findOne({ _id: eventId });
    if (found === null) return;
    const event = await this.#withOutcomes(eventSchema.parse(found));
    if (Object.values(event.deliveries).some((delivery) => delivery.status === 'pending')) return;
    await this.#events.updateOne({ _id: eventId }, { $set: { deliveries: event.deliveries, pending: false } });
  }

  /** The event with the outcomes recorded since it was written (one lookup by `_id` per delivery in flight). */
  async #withOutcomes(event: AlertEventRecord): Promise<AlertEventRecord> {
    if (!event.pending) return event;
    const deliveries = { ...event.deliveries };
    await Promise.all(
      Object.entries(deliveries).map(async ([key, delivery]) => {
        if (delivery.status !== 'pending') return;
        const outcome = await this.#outcomes.findOne({ _id: delivery.workflowId });
        if (outcome === null) return;
        deliveries[key] = {
          ...delivery,
          status: outcome.status,
          ...(outcome.error === undefined ? {} : { error: outcome.error }),
        };
      }),
    );
    return { ...event, deliveries };
  }
}

/** Inserts unless a document with its `_id` exists; false then.  An insert is atomic on FerretDB, an update is not. */
async function insertOnce<T extends { _id: string }>(collection: Collection<T>, record: T): Promise<boolean> {
  try {
    await collection.insertOne(record as Parameters<Collection<T>['insertOne']>[0]);
    return true;
  } catch (error) {
    if (error instanceof MongoServerError && error.code === DUPLICATE_KEY) return false;
    throw error;
  }
}
