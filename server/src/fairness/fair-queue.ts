/**
 * Runs waiting for the run starter, handed out as Temporal's task queue hands out tasks (docs/adr/027): the lowest
 * priority key first; within a key, workspaces in turn, each in proportion to its weight (deficit round robin); each
 * workspace's runs in arrival order.  Without it, one workspace's 3,000 accepted webhooks would be started before
 * another's one — the starter would be the FIFO the task queue no longer is.  An item is held once (by id).
 */
export interface FairItem {
  id: string;
  /** Lower goes first; items without one go with the default key. */
  priorityKey: number;
  fairnessKey: string;
  weight: number;
}

/** Temporal's default priority key, for items that carry none. */
export const DEFAULT_PRIORITY_KEY = 3;

interface Share<T> {
  items: T[];
  weight: number;
  credit: number;
}

export class FairQueue<T extends FairItem> {
  /** priority key → fairness key → that key's items; keys in the order they got their first waiting item. */
  readonly #levels = new Map<number, Map<string, Share<T>>>();
  readonly #ids = new Set<string>();

  get size(): number {
    return this.#ids.size;
  }

  has(id: string): boolean {
    return this.#ids.has(id);
  }

  /** Adds an item at the end of its workspace's line; false when it is waiting already. */
  add(item: T): boolean {
    if (this.#ids.has(item.id)) return false;
    this.#ids.add(item.id);
    let level = this.#levels.get(item.priorityKey);
    if (!level) {
      level = new Map();
      this.#levels.set(item.priorityKey, level);
    }
    let share = level.get(item.fairnessKey);
    if (!share) {
      share = { items: [], weight: item.weight, credit: 0 };
      level.set(item.fairnessKey, share);
    }
    share.weight = item.weight;
    share.items.push(item);
    return true;
  }

  /** The next item to start, or undefined when none waits. */
  take(): T | undefined {
    const key = Math.min(...this.#levels.keys());
    const level = this.#levels.get(key);
    if (!level) return undefined;
    for (;;) {
      // The first workspace in line with a whole credit goes; once none has one, each earns its weight.
      for (const [fairnessKey, share] of level) {
        if (share.credit < 1) continue;
        share.credit -= 1;
        const item = share.items.shift() as T;
        // Served: to the back of the line (or out of it, with nothing left).
        level.delete(fairnessKey);
        if (share.items.length > 0) level.set(fairnessKey, share);
        if (level.size === 0) this.#levels.delete(key);
        this.#ids.delete(item.id);
        return item;
      }
      const smallest = Math.min(...[...level.values()].map((share) => share.weight));
      // Scaled so the lightest workspace earns one credit a round: every round serves someone.
      for (const share of level.values()) share.credit += share.weight / smallest;
    }
  }

  clear(): void {
    this.#levels.clear();
    this.#ids.clear();
  }
}
