import type { RollupDocument } from '@pipewright/operations';

/**
 * A rollup document stops changing once its time span is over: reports land in the slot of the run's end, so only
 * a late flush (a worker's buffer retried after an outage) or a long run's `started` count still reaches it.  Every
 * `_id` read on FerretDB parses the whole collection (~100–200 ms a document at 100k runs on a busy machine), so
 * documents whose span ended CLOSED_AFTER_MS ago are kept here for CLOSED_CACHE_MS: a 7 d view then reads the
 * current day's documents only, like a 24 h view.  A late count shows once the entry expires.
 */
export const CLOSED_AFTER_MS = 5 * 60_000;
export const CLOSED_CACHE_MS = 10 * 60_000;
/** Entries kept (oldest dropped first): a few views' worth per busy workspace, at most a few hundred KB each. */
const MAX_ENTRIES = 300;

export interface RollupRead {
  id: string;
  /** When the document's time span ends (epoch ms). */
  endsAt: number;
}

export class ClosedRollups {
  readonly #entries = new Map<string, { doc: RollupDocument | null; until: number }>();

  /** The documents asked for (absent ones left out): closed ones from memory when kept, the others from `fetch`. */
  async read(
    wanted: readonly RollupRead[],
    now: number,
    fetch: (ids: string[]) => Promise<RollupDocument[]>,
  ): Promise<RollupDocument[]> {
    const found: RollupDocument[] = [];
    const missing: RollupRead[] = [];
    for (const read of wanted) {
      const entry = this.#entries.get(read.id);
      if (entry && entry.until > now) {
        if (entry.doc) found.push(entry.doc);
      } else {
        missing.push(read);
      }
    }
    const fetched = new Map((await fetch(missing.map((read) => read.id))).map((doc) => [doc._id, doc]));
    for (const read of missing) {
      const doc = fetched.get(read.id) ?? null;
      if (doc) found.push(doc);
      if (now - read.endsAt >= CLOSED_AFTER_MS) this.#keep(read.id, doc, now + CLOSED_CACHE_MS);
    }
    return found;
  }

  #keep(id: string, doc: RollupDocument | null, until: number): void {
    this.#entries.delete(id);
    this.#entries.set(id, { doc, until });
    while (this.#entries.size > MAX_ENTRIES) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#entries.delete(oldest);
    }
  }
}
