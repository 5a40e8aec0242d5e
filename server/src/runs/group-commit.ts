/** One writer call's answer for each item it was given, in order: a value, or the error of that item alone. */
export type ItemOutcomes<R> = ({ ok: true; value: R } | { ok: false; error: unknown })[];

/**
 * Group commit: items submitted one at a time are written together.  The first item is written at once, alone;
 * items submitted while a write is in flight wait for it and then go in the next write, all together (at most
 * `maxBatch`).  Nothing waits on a timer, so a lone caller pays no latency, and under load one database round trip
 * serves many callers.  Each caller gets its own item's outcome; a writer that throws fails its whole batch.
 */
export class GroupCommit<T, R> {
  readonly #write: (items: T[]) => Promise<ItemOutcomes<R>>;
  readonly #maxBatch: number;
  #waiting: { item: T; resolve: (value: R) => void; reject: (error: unknown) => void }[] = [];
  #writing = false;

  constructor(write: (items: T[]) => Promise<ItemOutcomes<R>>, maxBatch = 100) {
    this.#write = write;
    this.#maxBatch = maxBatch;
  }

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.#waiting.push({ item, resolve, reject });
      if (!this.#writing) void this.#drain();
    });
  }

  async #drain(): Promise<void> {
    this.#writing = true;
    try {
      while (this.#waiting.length > 0) {
        const batch = this.#waiting.splice(0, this.#maxBatch);
        let outcomes: ItemOutcomes<R>;
        try {
          outcomes = await this.#write(batch.map((waiting) => waiting.item));
        } catch (error) {
          for (const waiting of batch) waiting.reject(error);
          continue;
        }
        batch.forEach((waiting, index) => {
          const outcome = outcomes[index];
          if (outcome === undefined) waiting.reject(new Error('the batch writer gave no outcome for this item'));
          else if (outcome.ok) waiting.resolve(outcome.value);
          else waiting.reject(outcome.error);
        });
      }
    } finally {
      this.#writing = false;
    }
  }
}
