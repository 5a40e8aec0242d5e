import {
  cachedWorkspaceWeights,
  FAIRNESS_COLLECTION,
  type FairnessRecord,
  type RunLane,
  type RunPriority,
  runPriority,
} from '@pipewright/run-contract';
import type { Db } from 'mongodb';

export interface RunLanesOptions {
  db: Db;
  /** `PIPEWRIGHT_FAIRNESS` (config.ts): off starts every run without a Priority (first in, first out). */
  enabled: boolean;
  /**
   * `PIPEWRIGHT_INTERACTIVE_RUNS_PER_MINUTE`: the most runs one workspace starts in the interactive lane a minute (on
   * this server); past it they go in the events lane.  The top lane goes before every other workspace's webhooks, so
   * a script that presses "Run" in a loop must not make it its own.
   */
  interactivePerMinute: number;
  now?: () => number;
}

/**
 * The Priority each run the server starts carries (docs/adr/027): its lane — what started it, one down for a flow
 * set to "batch" — and its workspace's fair share, weighted by the weight an operator set.
 */
export class RunLanes {
  readonly #options: RunLanesOptions;
  readonly #weights: (workspaceId: string) => Promise<number>;
  readonly #now: () => number;
  /** Interactive starts of each workspace in the current minute. */
  #minute = 0;
  #interactive = new Map<string, number>();

  constructor(options: RunLanesOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    const records = options.db.collection<FairnessRecord>(FAIRNESS_COLLECTION);
    this.#weights = cachedWorkspaceWeights(
      async (workspaceId) => (await records.findOne({ _id: workspaceId }, { projection: { weight: 1 } }))?.weight,
      { now: this.#now },
    );
  }

  async priorityOf(
    workspaceId: string,
    lane: RunLane,
    plan: { batch?: true | undefined },
  ): Promise<RunPriority | undefined> {
    if (!this.#options.enabled) return undefined;
    return runPriority({
      workspaceId,
      lane: lane === 'interactive' && !this.#takeInteractive(workspaceId) ? 'events' : lane,
      batch: plan.batch === true,
      weight: await this.#weights(workspaceId),
      enabled: true,
    });
  }

  #takeInteractive(workspaceId: string): boolean {
    const minute = Math.floor(this.#now() / 60_000);
    if (minute !== this.#minute) {
      this.#minute = minute;
      this.#interactive = new Map();
    }
    const used = this.#interactive.get(workspaceId) ?? 0;
    if (used >= this.#options.interactivePerMinute) return false;
    this.#interactive.set(workspaceId, used + 1);
    return true;
  }
}
