import {
  readWaiting,
  WAITING_RUNS_COLLECTION,
  type WaitingChange,
  type WaitingRunsDocument,
  type WaitingSummary,
} from '@pipewright/operations';
import { cachedPerWorkspace, FAIRNESS_COLLECTION, type FairnessRecord } from '@pipewright/run-contract';
import { WaitingRunsCounter } from '@pipewright/run-reports';
import type { Db } from 'mongodb';

/** Admission control at the webhook ingress (docs/adr/027); each a documented setting (config.ts). */
export interface AdmissionSettings {
  /** `PIPEWRIGHT_MAX_WAITING_RUNS_PER_WORKSPACE` (default 10,000; 0: no ceiling). */
  perWorkspace: number;
  /** `PIPEWRIGHT_MAX_WAITING_RUNS_PER_FLOW` (default 5,000; 0: no ceiling). */
  perFlow: number;
  /** `PIPEWRIGHT_WAITING_RETRY_AFTER_SECONDS`: the Retry-After of a 429 (default 30). */
  retryAfterSeconds: number;
  /** `PIPEWRIGHT_WAITING_WINDOW_MINUTES`: runs accepted longer ago than this stop counting (default 60). */
  windowMinutes: number;
}

export const DEFAULT_ADMISSION: AdmissionSettings = {
  perWorkspace: 10_000,
  perFlow: 5_000,
  retryAfterSeconds: 30,
  windowMinutes: 60,
};

export interface AdmissionRefusal {
  scope: 'workspace' | 'flow';
  waiting: number;
  ceiling: number;
  /** Where the ceiling was set: the instance's setting, the flow's settings or the workspace's Limits page. */
  setBy: string;
  retryAfterSeconds: number;
}

/** The lower of the instance's ceiling (0: none) and one a flow or workspace set for itself. */
function ceilingOf(instance: number, own: number | undefined): { ceiling: number; own: boolean } {
  if (own !== undefined && own > 0 && (instance === 0 || own < instance)) return { ceiling: own, own: true };
  return { ceiling: instance, own: false };
}

const MAX_CACHED_WORKSPACES = 10_000;

interface CachedRead {
  at: number;
  summary: WaitingSummary;
  /** Runs this server accepted since the read, per flow (the read counted every change not yet written). */
  since: Map<string, number>;
}

/**
 * Runs waiting to start, per workspace and flow: this server counts the runs it accepts (and the accepted runs whose
 * start failed for good), the workers count the runs they begin, and a read adds both up (@pipewright/operations
 * waiting-runs.ts).  Reads go through a cache of `cacheMs` per workspace — one `_id` read a second a workspace on
 * the webhook path — plus what this server accepted since.  Several servers each see the others' accepts once they
 * are written (≤ 1 s), so together they may pass a ceiling by about a second's deliveries.
 */
export class WaitingRuns {
  readonly settings: AdmissionSettings;
  readonly #db: Db;
  readonly #counter: WaitingRunsCounter;
  readonly #cacheMs: number;
  readonly #now: () => number;
  readonly #reads = new Map<string, CachedRead>();
  readonly #inFlight = new Map<string, Promise<CachedRead>>();
  readonly #lastPrune = new Map<string, number>();
  /** The workspace's own ceiling (Limits page), read through a 3 s cache. */
  readonly #workspaceCeiling: (workspaceId: string) => Promise<number | undefined>;

  constructor(options: {
    db: Db;
    settings?: AdmissionSettings;
    cacheMs?: number;
    now?: () => number;
    log: (message: string, error: unknown) => void;
  }) {
    this.#db = options.db;
    this.settings = options.settings ?? DEFAULT_ADMISSION;
    this.#cacheMs = options.cacheMs ?? 1_000;
    this.#now = options.now ?? Date.now;
    const fairness = options.db.collection<FairnessRecord>(FAIRNESS_COLLECTION);
    this.#workspaceCeiling = cachedPerWorkspace<number | undefined>(
      async (workspaceId) =>
        (await fairness.findOne({ _id: workspaceId }, { projection: { maxWaitingRuns: 1 } }))?.maxWaitingRuns,
      { now: this.#now, fallback: undefined },
    );
    this.#counter = new WaitingRunsCounter({
      db: options.db,
      log: { warn: (message: string, meta?: Record<string, unknown>) => options.log(message, meta?.error) },
    });
  }

  /** A run was accepted (queued or started): it waits until a worker begins it. */
  accepted(run: { workspaceId: string; flowId: string; acceptedAt: number }): void {
    this.#counter.add({ ...run, counter: 'i' });
    const read = this.#reads.get(run.workspaceId);
    read?.since.set(run.flowId, (read.since.get(run.flowId) ?? 0) + 1);
  }

  /** An accepted run that will never begin (its start failed for good). */
  leftWithoutRunning(run: { workspaceId: string; flowId: string; acceptedAt: number }): void {
    this.#counter.add({ ...run, counter: 'o' });
  }

  /** The workspace's waiting runs (as of at most `cacheMs` ago, plus this server's accepts since). */
  async summary(workspaceId: string): Promise<WaitingSummary> {
    return withSince(await this.#read(workspaceId));
  }

  /**
   * Whether one more webhook run of this flow may be accepted: undefined, or the ceiling it would pass (the
   * delivery is then refused, and counted as refused).  `flowCeiling`: the flow's own (its published settings).
   */
  async admission(workspaceId: string, flowId: string, flowCeiling?: number): Promise<AdmissionRefusal | undefined> {
    const { retryAfterSeconds } = this.settings;
    const flow = ceilingOf(this.settings.perFlow, flowCeiling);
    const workspace = ceilingOf(this.settings.perWorkspace, await this.#workspaceCeiling(workspaceId));
    const perFlow = flow.ceiling;
    const perWorkspace = workspace.ceiling;
    if (perWorkspace === 0 && perFlow === 0) return undefined;
    const read = await this.#read(workspaceId);
    let sinceAll = 0;
    for (const count of read.since.values()) sinceAll += count;
    const workspaceWaiting = read.summary.waiting + sinceAll;
    const flowWaiting =
      (read.summary.flows.find((flow) => flow.flowId === flowId)?.waiting ?? 0) + (read.since.get(flowId) ?? 0);
    let refusal: AdmissionRefusal | undefined;
    if (perFlow > 0 && flowWaiting >= perFlow) {
      const setBy = flow.own ? "the flow's settings" : 'PIPEWRIGHT_MAX_WAITING_RUNS_PER_FLOW';
      refusal = { scope: 'flow', waiting: flowWaiting, ceiling: perFlow, setBy, retryAfterSeconds };
    } else if (perWorkspace > 0 && workspaceWaiting >= perWorkspace) {
      const setBy = workspace.own ? "the workspace's Limits page" : 'PIPEWRIGHT_MAX_WAITING_RUNS_PER_WORKSPACE';
      refusal = { scope: 'workspace', waiting: workspaceWaiting, ceiling: perWorkspace, setBy, retryAfterSeconds };
    }
    if (refusal) this.#counter.add({ workspaceId, flowId, acceptedAt: this.#now(), counter: 'r' });
    return refusal;
  }

  /** Writes what is counted and not written yet (tests; shutdown). */
  flush(): Promise<void> {
    return this.#counter.flush();
  }

  close(): Promise<void> {
    return this.#counter.close();
  }

  async #read(workspaceId: string): Promise<CachedRead> {
    const cached = this.#reads.get(workspaceId);
    if (cached && this.#now() - cached.at < this.#cacheMs) return cached;
    const inFlight = this.#inFlight.get(workspaceId);
    if (inFlight) return inFlight;
    const reading = this.#load(workspaceId).finally(() => this.#inFlight.delete(workspaceId));
    this.#inFlight.set(workspaceId, reading);
    return reading;
  }

  async #load(workspaceId: string): Promise<CachedRead> {
    const pending: WaitingChange[] = this.#counter.pending(workspaceId);
    let doc: WaitingRunsDocument | null;
    try {
      doc = await this.#db
        .collection<WaitingRunsDocument>(WAITING_RUNS_COLLECTION)
        .findOne({ _id: workspaceId }, { projection: { b: 1 } });
    } catch {
      // Counts that cannot be read never fail a delivery: the last read goes on, or what this server counted and
      // has not written.  The delivery's own write then says whether the database is there.
      const last = this.#reads.get(workspaceId);
      if (last) return last;
      doc = null;
    }
    const now = this.#now();
    const { summary, prunable } = readWaiting(doc, {
      now,
      windowMs: this.settings.windowMinutes * 60_000,
      pending,
    });
    const read: CachedRead = { at: now, summary, since: new Map() };
    // One entry a workspace that had deliveries; a bound for an instance with very many of them.
    if (this.#reads.size >= MAX_CACHED_WORKSPACES) this.#reads.clear();
    this.#reads.set(workspaceId, read);
    if (prunable.length > 0 && now - (this.#lastPrune.get(workspaceId) ?? 0) >= 30_000) {
      this.#lastPrune.set(workspaceId, now);
      // Best effort: what a prune misses is pruned by a later read.
      void this.#db
        .collection<WaitingRunsDocument>(WAITING_RUNS_COLLECTION)
        .updateOne({ _id: workspaceId }, { $unset: Object.fromEntries(prunable.map((path) => [path, ''])) })
        .catch(() => {});
    }
    return read;
  }
}

function withSince(read: CachedRead): WaitingSummary {
  if (read.since.size === 0) return read.summary;
  const flows = new Map(read.summary.flows.map((flow) => [flow.flowId, { ...flow }]));
  let waiting = read.summary.waiting;
  for (const [flowId, count] of read.since) {
    const flow = flows.get(flowId) ?? { flowId, waiting: 0, refused: 0 };
    flow.waiting += count;
    flow.oldestAcceptedAt ??= read.at;
    flows.set(flowId, flow);
    waiting += count;
  }
  return {
    ...read.summary,
    waiting,
    ...(read.summary.oldestAcceptedAt === undefined && waiting > 0 ? { oldestAcceptedAt: read.at } : {}),
    flows: [...flows.values()].sort((a, b) => b.waiting - a.waiting),
  };
}
