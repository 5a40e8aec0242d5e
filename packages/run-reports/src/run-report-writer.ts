import { positionKeysOf, type RunReport, rollupUpdates, runFailureOf, type Throttled } from '@pipewright/operations';
import type { Db } from 'mongodb';
import { type RollupWrite, RunRollupStore, rollupWrites } from './run-rollup-store.ts';

export interface RunReportWriterOptions {
  db: Db;
  /** The store over `db` (tests pass one whose writes fail). */
  store?: RunRollupStore;
  /** Built-in step types → their connector, any other → `package` (as the Prometheus labels). */
  connectorOf: (stepType: string) => string;
  log: { warn(message: string, meta?: Record<string, unknown>): void };
  /** Default 1 s. */
  flushEveryMs?: number;
  /** A flush starts at once when this many reports wait; default 200. */
  batchSize?: number;
  /** While flushes fail, at most this many reports wait (the oldest are dropped); default 20,000. */
  maxBuffered?: number;
  now?: () => number;
}

const HOUR = 3_600_000;

/**
 * Writes run reports into the rollups in batches: `add` only buffers (a workflow's sink call never waits on the
 * database), a flush runs every second or once `batchSize` reports wait.  A flush turns its reports into upserts of
 * a few rollup documents and applies them one at a time; what fails is tried again with the next flush — the
 * reports when they could not be turned into upserts, else only the upserts not applied yet — and logged; it never
 * throws into the worker.
 *
 * Counts are for dashboards, not billing: a worker killed between a run's end and the next flush (≤ 1 s) loses that
 * run's counts (the run itself stays in Temporal; a worker that is stopped flushes first); an upsert whose answer
 * was lost (the connection dropped after the database applied it) is applied again; a workflow task that runs
 * again reports again (its failure document is inserted once, and counted in the failed-runs queue once).
 */
export class RunReportWriter {
  readonly #options: Required<Omit<RunReportWriterOptions, 'db' | 'store'>>;
  readonly #store: RunRollupStore;
  #buffer: RunReport[] = [];
  /** Step attempts answered 429 since the last flush (the step host reports each attempt; a workflow sees the last). */
  #throttled: Throttled[] = [];
  /** Upserts of reports already taken in, not applied yet (in order). */
  #unapplied: RollupWrite[] = [];
  #flushing: Promise<void> | undefined;
  #timer: NodeJS.Timeout;
  #lastPurge = 0;
  #dropped = 0;

  constructor(options: RunReportWriterOptions) {
    this.#options = {
      connectorOf: options.connectorOf,
      log: options.log,
      flushEveryMs: options.flushEveryMs ?? 1000,
      batchSize: options.batchSize ?? 200,
      maxBuffered: options.maxBuffered ?? 20_000,
      now: options.now ?? Date.now,
    };
    this.#store = options.store ?? new RunRollupStore(options.db);
    this.#store.ensureIndexes().catch((error: unknown) => {
      this.#options.log.warn('run_failures indexes could not be created', { error: String(error) });
    });
    this.#timer = setInterval(() => void this.flush(), this.#options.flushEveryMs);
    this.#timer.unref();
  }

  add(report: RunReport): void {
    this.#buffer.push(report);
    const overflow = this.#buffer.length - this.#options.maxBuffered;
    if (overflow > 0) {
      this.#buffer.splice(0, overflow);
      this.#dropped += overflow;
    }
    if (this.#buffer.length >= this.#options.batchSize && !this.#flushing) void this.flush();
  }

  /** A step attempt the called service answered 429: counted with the next flush. */
  addThrottled(attempt: Throttled): void {
    if (this.#throttled.length < this.#options.maxBuffered) this.#throttled.push(attempt);
    else this.#dropped++;
  }

  /** Writes what is buffered (one flush at a time; a call during a flush waits for it and flushes the rest). */
  async flush(): Promise<void> {
    while (this.#flushing) await this.#flushing;
    if (this.#buffer.length === 0 && this.#throttled.length === 0 && this.#unapplied.length === 0) return;
    this.#flushing = this.#write().finally(() => {
      this.#flushing = undefined;
    });
    await this.#flushing;
  }

  #retryLater(error: unknown): void {
    this.#options.log.warn('run reports could not be written to the rollups; trying again', {
      error: String(error),
      buffered: this.#buffer.length,
      unapplied: this.#unapplied.length,
    });
  }

  /** Stops the timer and writes what is left (best effort). */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.flush();
  }

  async #write(): Promise<void> {
    const now = this.#options.now();
    const batch = this.#buffer;
    const throttled = this.#throttled;
    this.#buffer = [];
    this.#throttled = [];
    try {
      if (batch.length > 0 || throttled.length > 0) {
        const options = { connectorOf: this.#options.connectorOf, now };
        this.#unapplied.push(...(await prepareReports(this.#store, batch, options, throttled)));
        const overflow = this.#unapplied.length - this.#options.maxBuffered;
        if (overflow > 0) this.#dropped += this.#unapplied.splice(0, overflow).length;
      }
    } catch (error) {
      // Kept for the next flush, ahead of newer reports; the cap in `add` bounds the buffer while this repeats.
      this.#buffer = [...batch, ...this.#buffer].slice(-this.#options.maxBuffered);
      this.#throttled = [...throttled, ...this.#throttled].slice(-this.#options.maxBuffered);
      this.#retryLater(error);
      return;
    }
    try {
      for (let write = this.#unapplied[0]; write !== undefined; write = this.#unapplied[0]) {
        await this.#store.applyOne(write);
        this.#unapplied.shift();
      }
    } catch (error) {
      this.#retryLater(error);
      return;
    }
    if (this.#dropped > 0) {
      this.#options.log.warn('run reports or their counts were dropped while the rollups could not be written', {
        dropped: this.#dropped,
      });
      this.#dropped = 0;
    }
    if (now - this.#lastPurge >= HOUR) {
      this.#lastPurge = now;
      await this.#store.purge(now).catch((error: unknown) => {
        this.#options.log.warn('old rollup documents could not be purged; trying again in an hour', {
          error: String(error),
        });
      });
    }
  }
}

/**
 * Takes a batch of reports and throttled attempts in: inserts the failed runs into the failed-runs queue (once each)
 * and assigns positions, and returns the rollup upserts that count them, in the order to apply them.
 */
export async function prepareReports(
  store: RunRollupStore,
  batch: readonly RunReport[],
  options: { connectorOf: (stepType: string) => string; now: number },
  throttled: readonly Throttled[] = [],
): Promise<RollupWrite[]> {
  // Failures first: once a run is counted, its failure document is there (the backlog never lags the counts).
  await store.insertFailures(batch.flatMap((report) => runFailureOf(report) ?? []));
  await store.assignPositions(positionKeysOf(batch, throttled));
  const updates = rollupUpdates(batch, { positions: store.positions, ...options }, throttled);
  return rollupWrites(updates.runs, updates.steps);
}

/** Adds a batch to the rollups and the failed-runs queue at once (what `./pw bench dashboard` feeds). */
export async function writeReports(
  store: RunRollupStore,
  batch: readonly RunReport[],
  options: { connectorOf: (stepType: string) => string; now: number },
  throttled: readonly Throttled[] = [],
): Promise<void> {
  for (const write of await prepareReports(store, batch, options, throttled)) await store.applyOne(write);
}
