import type { ExecutionPlan } from '@pipewright/run-contract';
import { parsePlan } from '@pipewright/run-contract/schema';

/**
 * Parsed plans of published versions, kept in memory: a published version never changes, and every webhook and
 * published run needs its plan, which is the largest read of the request (the version record also holds the
 * document) and a schema parse.  Bounded, least recently used out first.  The plans are frozen: they are shared by
 * every run started from them, so code that would change one fails loudly instead of changing the next run's.
 */
export class PublishedPlans {
  readonly #plans = new Map<string, Promise<ExecutionPlan>>();
  readonly #capacity: number;
  readonly #load: (workspaceId: string, flowId: string, version: number) => Promise<{ planJson: string }>;

  constructor(
    load: (workspaceId: string, flowId: string, version: number) => Promise<{ planJson: string }>,
    capacity = 256,
  ) {
    this.#load = load;
    this.#capacity = capacity;
  }

  get(workspaceId: string, flowId: string, version: number): Promise<ExecutionPlan> {
    const key = JSON.stringify([workspaceId, flowId, version]);
    const cached = this.#plans.get(key);
    if (cached) {
      // Most recently used goes last; the first key is the one to drop.
      this.#plans.delete(key);
      this.#plans.set(key, cached);
      return cached;
    }
    const loading = this.#load(workspaceId, flowId, version).then((record) => deepFreeze(parsePlan(record.planJson)));
    this.#plans.set(key, loading);
    // A failed load (not found, database away) is not kept: the next request tries again.
    loading.catch(() => this.#plans.delete(key));
    if (this.#plans.size > this.#capacity) {
      const oldest = this.#plans.keys().next().value;
      if (oldest !== undefined) this.#plans.delete(oldest);
    }
    return loading;
  }
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
