import {
  type CountedFailure,
  type FailureCountsDocument,
  failureCountChanges,
  failureCountFields,
  failureCountsOf,
  RUN_FAILURE_COUNTS_COLLECTION,
} from '@pipewright/operations';
import type { Collection, Db } from 'mongodb';

/** How often a workspace's counters are checked against a count of its open failures (drift repair). */
export const RECOUNT_EVERY_MS = 5 * 60_000;
/** Marks that counters were built for failures stored before they existed (one full recount, at first start). */
const BACKFILLED_ID = ':backfilled';

/**
 * Counter changes of this process, one at a time per workspace: FerretDB v1 applies an `$inc` by reading the
 * document and writing it back, so two concurrent changes of one document can lose one (measured: a bulk action's
 * parallel claims left a count off by one).  A change racing another process's (the worker counting a new failure
 * as a claim here takes one away) can still be lost; the recount repairs that.  MongoDB's `$inc` is atomic.
 */
const changesInFlight = new Map<string, Promise<unknown>>();

/**
 * The failed-runs queue's size per workspace, flow and step type, from the counters the worker and the queue keep
 * (@pipewright/operations failure-counts.ts): one small document per workspace instead of a scan of `run_failures`.
 * Reads never wait on a recount: a workspace's counters are recounted in the background when RECOUNT_EVERY_MS old.
 */
export class OpenFailureCounts {
  readonly #counts: Collection<FailureCountsDocument>;
  readonly #failures: Collection<CountedFailure & { _id: string }>;
  readonly #recounting = new Map<string, Promise<void>>();
  /** When this process last started a recount of a workspace: at most one per RECOUNT_EVERY_MS, even when one
   *  found the counters moving (a busy workspace) and wrote nothing. */
  readonly #recountStarted = new Map<string, number>();
  readonly #now: () => number;

  constructor(db: Db, now: () => number = Date.now) {
    this.#counts = db.collection<FailureCountsDocument>(RUN_FAILURE_COUNTS_COLLECTION);
    this.#failures = db.collection('run_failures');
    this.#now = now;
  }

  /** Open failures of the workspace per flow id. */
  async perFlow(workspaceId: string): Promise<Map<string, number>> {
    const doc = await this.#counts.findOne({ _id: workspaceId });
    this.#recountIfDue(workspaceId, doc);
    return failureCountsOf(doc).flows;
  }

  /** Open failures of every workspace per step type of the failing node (the Prometheus gauge). */
  async perType(): Promise<{ workspaceId: string; nodeType: string; count: number }[]> {
    const docs = await this.#counts.find({}).toArray();
    return docs
      .filter((doc) => doc._id !== BACKFILLED_ID)
      .flatMap((doc) =>
        [...failureCountsOf(doc).types].map(([nodeType, count]) => ({ workspaceId: doc._id, nodeType, count })),
      );
  }

  /** A failure left the queue (an action claimed it): -1; it came back (the action failed): +1. */
  async change(failure: CountedFailure, by: 1 | -1): Promise<void> {
    const inc = failureCountChanges([failure], by).get(failure.workspaceId);
    if (!inc) return;
    const setOnInsert = { reconciledAt: new Date(this.#now()) };
    const workspaceId = failure.workspaceId;
    const previous = changesInFlight.get(workspaceId) ?? Promise.resolve();
    const change = previous
      .catch(() => {}) // the previous change's caller hears of its failure
      .then(() =>
        this.#counts.updateOne({ _id: workspaceId }, { $inc: inc, $setOnInsert: setOnInsert }, { upsert: true }),
      );
    changesInFlight.set(workspaceId, change);
    try {
      await change;
    } finally {
      if (changesInFlight.get(workspaceId) === change) changesInFlight.delete(workspaceId);
    }
  }

  /**
   * Builds the counters of every workspace with failures stored before counters existed; once (a marker document
   * says so).  Run at start, in the background: until it ends, such a workspace shows the failures counted since.
   */
  async backfillOnce(): Promise<void> {
    if ((await this.#counts.findOne({ _id: BACKFILLED_ID })) !== null) return;
    const workspaces = await this.#failures.distinct('workspaceId', { resolution: { $exists: false } });
    for (const workspaceId of workspaces) {
      if (typeof workspaceId === 'string') await this.recount(workspaceId);
    }
    const marker = { $set: { reconciledAt: new Date(this.#now()) } };
    await this.#counts.updateOne({ _id: BACKFILLED_ID }, marker, { upsert: true });
  }

  /**
   * Counts the workspace's open failures and writes the counters, unless they changed during the count (`v`
   * moved): then the next recount tries again.
   */
  async recount(workspaceId: string): Promise<void> {
    const before = await this.#counts.findOne({ _id: workspaceId });
    const open = await this.#failures
      .find({ workspaceId, resolution: { $exists: false } }, { projection: { _id: 0, flowId: 1, nodeType: 1 } })
      .toArray();
    const fields = failureCountFields(
      open.filter((doc) => typeof doc.flowId === 'string' && typeof doc.nodeType === 'string'),
    );
    const set = { ...fields, reconciledAt: new Date(this.#now()) };
    if (before === null) {
      // Nobody counted here yet: a concurrent first count by the worker makes this insert fail, and it is left.
      await this.#counts.insertOne({ _id: workspaceId, ...set, v: 0 }).catch(() => {});
      return;
    }
    await this.#counts.updateOne({ _id: workspaceId, v: before.v ?? { $exists: false } }, { $set: set });
  }

  #recountIfDue(workspaceId: string, doc: FailureCountsDocument | null): void {
    if (doc === null) return; // nothing failed here since counting began (the backfill covers what came before)
    const now = this.#now();
    const last = Math.max(doc.reconciledAt?.getTime() ?? 0, this.#recountStarted.get(workspaceId) ?? 0);
    if (now - last < RECOUNT_EVERY_MS || this.#recounting.has(workspaceId)) return;
    this.#recountStarted.set(workspaceId, now);
    const recount = this.recount(workspaceId)
      .catch(() => {}) // tried again with a later read
      .finally(() => this.#recounting.delete(workspaceId));
    this.#recounting.set(workspaceId, recount);
  }
}
