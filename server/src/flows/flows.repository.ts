import { type Collection, type Db, MongoServerError } from 'mongodb';
import { z } from 'zod';
import { findOwned } from '../owned.ts';

/** A paused flow (server/src/pauses): webhooks answer 503 (`reject`) or hold their runs (`queue`); triggers stop. */
const flowPauseSchema = z.object({
  mode: z.enum(['reject', 'queue']),
  by: z.object({ userId: z.string().nullable(), email: z.string().nullable() }),
  at: z.date(),
  reason: z.string().optional(),
});
export type FlowPause = z.infer<typeof flowPauseSchema>;

/** A version running a share of new runs beside `latestVersion` until promoted or rolled back (docs/adr/017). */
const flowRolloutSchema = z.object({
  version: z.number().int(),
  percent: z.number().int().min(1).max(99),
  startedAt: z.date(),
  startedBy: z.string(),
});
export type FlowRollout = z.infer<typeof flowRolloutSchema>;

/** A flow's draft as stored: the document is an encoded JSON string, so user keys with dots or `$` stay data. */
const flowRecordSchema = z.object({
  _id: z.string(),
  workspaceId: z.string(),
  name: z.string(),
  documentJson: z.string(),
  nodeCount: z.number().int(),
  revision: z.number().int(),
  latestVersion: z.number().int().nullable(),
  webhookToken: z.string(),
  /** Signs webhook deliveries; flows created before it existed get one lazily (never sent to clients). */
  webhookSecret: z.string().optional(),
  paused: flowPauseSchema.optional(),
  rollout: flowRolloutSchema.optional(),
  /**
   * The highest version number ever published, when above `latestVersion` (a rolled-back rollout's version): the
   * next publish takes the number after it, so no two versions share one.
   */
  lastVersion: z.number().int().optional(),
  createdAt: z.date(),
  updatedAt: z.date(),
});
export type FlowRecord = z.infer<typeof flowRecordSchema>;
export type FlowSummaryRecord = Omit<FlowRecord, 'documentJson'>;

const summarySchema = flowRecordSchema.omit({ documentJson: true });

export interface DraftChanges {
  name?: string;
  documentJson?: string;
  nodeCount?: number;
}

/**
 * One document per saved draft revision, `_id` = `<flowId>:<revision>`.  Inserting it is how a save claims the next
 * revision: the unique `_id` makes exactly one of two concurrent saves win.  A conditional update alone is not
 * enough — FerretDB v1 (our embedded and test database) does not apply `findOneAndUpdate({ revision: n })`
 * atomically under concurrency, and both racing saves "won" in a test.  The claim also holds the changes, so a save
 * interrupted between claim and update is rolled forward by the next writer instead of wedging the flow.
 */
interface DraftRevisionRecord {
  _id: string;
  workspaceId: string;
  flowId: string;
  revision: number;
  changes: DraftChanges;
  createdAt: Date;
}

const DUPLICATE_KEY = 11000;

/**
 * How long a server answers webhooks from the flow record it read last (its published version, secret, name): a
 * write through this server forgets it at once; a write through another server is seen within this time.
 */
export const WEBHOOK_FLOW_CACHE_MS = 1_000;
const WEBHOOK_FLOW_CACHE_SIZE = 1_024;

export class FlowsRepository {
  readonly #flows: Collection<FlowRecord>;
  readonly #revisions: Collection<DraftRevisionRecord>;
  /**
   * Webhook token → the flow's record without its document, as read at `readAt`: a busy webhook does not make every
   * delivery read the flow (FerretDB filters on `webhookToken` by scanning the collection).
   */
  readonly #webhookFlows = new Map<string, { flow: FlowSummaryRecord; readAt: number }>();
  /** Counts writes: a read that a write overtook is not kept (it may hold what the write replaced). */
  #writes = 0;

  constructor(db: Db) {
    this.#flows = db.collection<FlowRecord>('flows');
    this.#revisions = db.collection<DraftRevisionRecord>('flow_draft_revisions');
  }

  async ensureIndexes(): Promise<void> {
    await this.#flows.createIndex({ webhookToken: 1 }, { unique: true, name: 'webhookToken_unique' });
    await this.#flows.createIndex({ workspaceId: 1, updatedAt: -1 }, { name: 'workspace_updatedAt' });
  }

  async insert(record: FlowRecord): Promise<void> {
    await this.#flows.insertOne(record);
  }

  async findById(workspaceId: string, id: string): Promise<FlowRecord | null> {
    const found = await findOwned(this.#flows, id, workspaceId);
    return found === null ? null : flowRecordSchema.parse(found);
  }

  /**
   * Tokens are globally unique, so the ingress can find the flow (and so its workspace) from the URL alone.  Read
   * at most once every WEBHOOK_FLOW_CACHE_MS per token (and after any write to the flow through this repository).
   */
  async findByWebhookToken(token: string, now = Date.now()): Promise<FlowSummaryRecord | null> {
    const cached = this.#webhookFlows.get(token);
    if (cached !== undefined && now - cached.readAt < WEBHOOK_FLOW_CACHE_MS) return cached.flow;
    const writesBefore = this.#writes;
    const found = await this.#flows.findOne({ webhookToken: token }, { projection: { documentJson: 0 } });
    this.#webhookFlows.delete(token);
    if (found === null) return null;
    const flow = summarySchema.parse(found);
    if (this.#writes !== writesBefore) return flow;
    // Only tokens that name a flow are kept, so made-up tokens cannot fill it; the oldest entry goes first.
    if (this.#webhookFlows.size >= WEBHOOK_FLOW_CACHE_SIZE) {
      const oldest = this.#webhookFlows.keys().next();
      if (oldest.done !== true) this.#webhookFlows.delete(oldest.value);
    }
    this.#webhookFlows.set(token, { flow, readAt: now });
    return flow;
  }

  /** A write to the flow: its next webhook delivery reads the record again. */
  #forgetWebhookFlow(id: string): void {
    this.#writes++;
    for (const [token, { flow }] of this.#webhookFlows) {
      if (flow._id === id) this.#webhookFlows.delete(token);
    }
  }

  async list(workspaceId: string): Promise<FlowSummaryRecord[]> {
    const found = await this.#flows
      .find({ workspaceId }, { projection: { documentJson: 0 } })
      .sort({ updatedAt: -1, _id: 1 })
      .toArray();
    return found.map((item) => summarySchema.parse(item));
  }

  /**
   * Saves a draft only if it is still at `revision`: claims revision + 1 (unique insert), then applies it.
   * Returns the saved record, or null when the flow is missing or was changed meanwhile.
   */
  async updateDraft(input: {
    workspaceId: string;
    id: string;
    revision: number;
    changes: DraftChanges;
    now: Date;
  }): Promise<FlowRecord | null> {
    const current = await this.findById(input.workspaceId, input.id);
    if (!current) return null;
    if (current.revision !== input.revision) {
      await this.#rollForward(current);
      return null;
    }
    const next = input.revision + 1;
    try {
      await this.#revisions.insertOne({
        _id: `${input.id}:${next}`,
        workspaceId: input.workspaceId,
        flowId: input.id,
        revision: next,
        changes: input.changes,
        createdAt: input.now,
      });
    } catch (error) {
      if (error instanceof MongoServerError && error.code === DUPLICATE_KEY) {
        await this.#rollForward(current);
        return null;
      }
      throw error;
    }
    await this.#apply(current, next, input.changes, input.now);
    return this.findById(input.workspaceId, input.id);
  }

  /** Applies a claimed revision that its writer did not get to apply (crash, or a racing reader got here first). */
  async #rollForward(current: FlowRecord): Promise<void> {
    const claim = await this.#revisions.findOne({
      _id: `${current._id}:${current.revision + 1}`,
      workspaceId: current.workspaceId,
    });
    if (claim) await this.#apply(current, claim.revision, claim.changes, claim.createdAt);
  }

  async #apply(current: FlowRecord, revision: number, changes: DraftChanges, now: Date): Promise<void> {
    await this.#flows.updateOne(
      { _id: current._id, workspaceId: current.workspaceId, revision: current.revision },
      { $set: { ...changes, updatedAt: now, revision } },
    );
    this.#forgetWebhookFlow(current._id);
  }

  /** Moves latestVersion from `current` to `next`; false when another publish got there first. */
  async advanceLatestVersion(input: {
    workspaceId: string;
    id: string;
    current: number | null;
    next: number;
  }): Promise<boolean> {
    const result = await this.#flows.updateOne(
      // Not while a version is being rolled out: it must be promoted or rolled back first.
      { _id: input.id, workspaceId: input.workspaceId, latestVersion: input.current, rollout: { $exists: false } },
      { $set: { latestVersion: input.next } },
    );
    this.#forgetWebhookFlow(input.id);
    return result.modifiedCount === 1;
  }

  /** Starts a rollout beside `current`, unless the flow moved on or has one already. */
  async startRollout(input: {
    workspaceId: string;
    id: string;
    current: number;
    rollout: FlowRollout;
  }): Promise<boolean> {
    const result = await this.#flows.updateOne(
      { _id: input.id, workspaceId: input.workspaceId, latestVersion: input.current, rollout: { $exists: false } },
      { $set: { rollout: input.rollout, lastVersion: input.rollout.version } },
    );
    this.#forgetWebhookFlow(input.id);
    return result.modifiedCount === 1;
  }

  /** Ends the rollout of `version`: promoted, it becomes `latestVersion`; rolled back, it runs no more. */
  async endRollout(input: { workspaceId: string; id: string; version: number; promote: boolean }): Promise<boolean> {
    const result = await this.#flows.updateOne(
      { _id: input.id, workspaceId: input.workspaceId, 'rollout.version': input.version },
      input.promote ? { $set: { latestVersion: input.version }, $unset: { rollout: '' } } : { $unset: { rollout: '' } },
    );
    this.#forgetWebhookFlow(input.id);
    return result.modifiedCount === 1;
  }

  /**
   * Sets the webhook secret: `onlyIfMissing` makes the lazy first secret race-safe (one writer wins, the others
   * re-read it); rotation replaces it.
   */
  async setWebhookSecret(input: {
    workspaceId: string;
    id: string;
    secret: string;
    onlyIfMissing: boolean;
  }): Promise<boolean> {
    const filter = input.onlyIfMissing
      ? { _id: input.id, workspaceId: input.workspaceId, webhookSecret: { $exists: false } }
      : { _id: input.id, workspaceId: input.workspaceId };
    const result = await this.#flows.updateOne(filter, { $set: { webhookSecret: input.secret } });
    this.#forgetWebhookFlow(input.id);
    return result.matchedCount === 1;
  }

  /** Pauses (or, with null, resumes) the flow; false when it does not exist in the workspace. */
  async setPaused(workspaceId: string, id: string, paused: FlowPause | null): Promise<boolean> {
    const update = paused === null ? { $unset: { paused: '' as const } } : { $set: { paused } };
    const result = await this.#flows.updateOne({ _id: id, workspaceId }, update);
    this.#forgetWebhookFlow(id);
    return result.matchedCount === 1;
  }

  /** The workspace's paused flows (a rare read: the pauses page and the operations dashboard). */
  async listPaused(workspaceId: string): Promise<FlowSummaryRecord[]> {
    const found = await this.#flows
      .find({ workspaceId, paused: { $exists: true } }, { projection: { documentJson: 0 } })
      .sort({ _id: 1 })
      .toArray();
    return found.map((item) => summarySchema.parse(item));
  }

  async delete(workspaceId: string, id: string): Promise<boolean> {
    const result = await this.#flows.deleteOne({ _id: id, workspaceId });
    this.#forgetWebhookFlow(id);
    await this.#revisions.deleteMany({ flowId: id, workspaceId });
    return result.deletedCount === 1;
  }
}
