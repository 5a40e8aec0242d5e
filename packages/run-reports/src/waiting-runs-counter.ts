import { WAITING_RUNS_COLLECTION, type WaitingChange, waitingIncrements } from '@pipewright/operations';
import type { Db, Document } from 'mongodb';

interface WaitingDoc extends Document {
  _id: string;
}

export interface WaitingRunsCounterOptions {
  db: Db;
  log: { warn(message: string, meta?: Record<string, unknown>): void };
  /** Default 1 s. */
  flushEveryMs?: number;
  /** While writes fail, at most this many changes wait (the oldest are dropped); default 20,000. */
  maxBuffered?: number;
}

/**
 * Counts runs into the waiting-runs documents (@pipewright/operations waiting-runs.ts) in batches: `add` only
 * buffers (a workflow's sink call, or a webhook's 202, never waits on the database); a flush every second turns the
 * buffer into one `$inc` upsert per workspace.  A write that fails keeps its changes for the next flush and is
 * logged; nothing throws into the caller.  A write whose answer was lost is applied again on retry (counts, not
 * billing: see waiting-runs.ts).
 */
export class WaitingRunsCounter {
  readonly #options: Required<Omit<WaitingRunsCounterOptions, 'db'>>;
  readonly #db: Db;
  #buffer: WaitingChange[] = [];
  /** The batch being written (still pending to a reader until it is). */
  #inFlight: WaitingChange[] = [];
  #flushing: Promise<void> | undefined;
  readonly #timer: NodeJS.Timeout;

  constructor(options: WaitingRunsCounterOptions) {
    this.#db = options.db;
    this.#options = {
      log: options.log,
      flushEveryMs: options.flushEveryMs ?? 1000,
      maxBuffered: options.maxBuffered ?? 20_000,
    };
    this.#timer = setInterval(() => void this.flush(), this.#options.flushEveryMs);
    this.#timer.unref();
  }

  add(change: WaitingChange): void {
    this.#buffer.push(change);
    const overflow = this.#buffer.length - this.#options.maxBuffered;
    if (overflow > 0) this.#buffer.splice(0, overflow);
  }

  /** Changes not written yet (a reader in this process counts them as written). */
  pending(workspaceId: string): WaitingChange[] {
    return [...this.#inFlight, ...this.#buffer].filter((change) => change.workspaceId === workspaceId);
  }

  async flush(): Promise<void> {
    while (this.#flushing) await this.#flushing;
    if (this.#buffer.length === 0) return;
    this.#flushing = this.#write().finally(() => {
      this.#flushing = undefined;
    });
    await this.#flushing;
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.flush();
  }

  async #write(): Promise<void> {
    const collection = this.#db.collection<WaitingDoc>(WAITING_RUNS_COLLECTION);
    const batch = this.#buffer;
    this.#buffer = [];
    this.#inFlight = batch;
    const left = new Set<string>();
    try {
      for (const [workspaceId, inc] of waitingIncrements(batch)) {
        if (left.size > 0) {
          left.add(workspaceId);
          continue;
        }
        try {
          await collection.updateOne({ _id: workspaceId }, { $inc: inc }, { upsert: true });
        } catch (error) {
          left.add(workspaceId);
          this.#options.log.warn('waiting-run counts could not be written; trying again', { error: String(error) });
        }
      }
    } finally {
      // What was not written goes back ahead of newer changes (ids `waitingIncrements` skips are never written).
      const unwritten = batch.filter((change) => left.has(change.workspaceId));
      this.#buffer = [...unwritten, ...this.#buffer].slice(-this.#options.maxBuffered);
      this.#inFlight = [];
    }
  }
}
