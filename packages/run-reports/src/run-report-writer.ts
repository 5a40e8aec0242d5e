import { positionKeysOf, type RunReport, rollupUpdates, runFailureOf, type Throttled } from '@pipewright/operations';
import type { Db } from 'mongodb';
import { RunRollupStore } from './run-rollup-store.ts';

export interface RunReportWriterOptions {
  db: Db;
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
 * database), a flush runs every second or once `batchSize` reports wait.  A flush that fails is tried again with
 * the next one, its reports kept (at most `maxBuffered`), and logged; it never throws into the worker.
 *
 * Counts are for dashboards, not billing: a worker that crashes between a run's end and the next flush loses that
 * run's counts (the run itself stays in Temporal); a flush that fails half way and is tried again may count part
 * of a batch twice; a workflow task that runs again reports again (its failure document is inserted once).
 */
export class RunReportWriter {
  readonly #options: Required<Omit<RunReportWriterOptions, 'db'>>;
  readonly #store: RunRollupStore;
  #buffer: RunReport[] = [];
  /** Step attempts answered 429 since the last flush (the step host reports each attempt; a workflow sees the last). */
  #throttled: Throttled[] = [];
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
    this.#store = new RunRollupStore(options.db);
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
    if (this.#buffer.length === 0 && this.#throttled.length === 0) return;
    const batch = this.#buffer;
    const throttled = this.#throttled;
    this.#buffer = [];
    this.#throttled = [];
    this.#flushing = this.#write(batch, throttled)
      .catch((error: unknown) => {
        // Kept for the next flush, ahead of newer reports; the cap in `add` bounds the buffer while this repeats.
        this.#buffer = [...batch, ...this.#buffer].slice(-this.#options.maxBuffered);
        this.#throttled = [...throttled, ...this.#throttled].slice(-this.#options.maxBuffered);
        this.#options.log.warn('run reports could not be written to the rollups; trying again', {
          error: String(error),
          buffered: this.#buffer.length,
        });
      })
      .finally(() => {
        this.#flushing = undefined;
      });
    await this.#flushing;
  }

  /** Stops the timer and writes what is left (best effort). */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.flush();
  }

  async #write(batch: RunReport[], throttled: Throttled[]): Promise<void> {
    const now = this.#options.now();
    await writeReports(this.#store, batch, { connectorOf: this.#options.connectorOf, now }, throttled);
    if (this.#dropped > 0) {
      this.#options.log.warn('run reports were dropped while the rollups could not be written', {
        dropped: this.#dropped,
      });
      this.#dropped = 0;
    }
    if (now - this.#lastPurge >= HOUR) {
      this.#lastPurge = now;
      await this.#store.purge(now);
    }
  }
}

/**
 * Adds a batch of reports and throttled attempts to the rollups and the failed-runs collection (also what
 * `./pw bench dashboard` feeds).
 */
export async function writeReports(
  store: RunRollupStore,
  batch: readonly RunReport[],
  options: { connectorOf: (stepType: string) => string; now: number },
  throttled: readonly Throttled[] = [],
): Promise<void> {
  // Failures first: once a run is counted, its failure document is there (the backlog never lags the counts).
  await store.insertFailures(batch.flatMap((report) => runFailureOf(report) ?? []));
  await store.assignPositions(positionKeysOf(batch, throttled));
  const updates = rollupUpdates(batch, { positions: store.positions, ...options }, throttled);
  await store.apply(updates.runs, updates.steps);
}
