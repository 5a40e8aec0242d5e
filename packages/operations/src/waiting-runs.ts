/**
 * Runs waiting to start, per workspace and flow (docs/adr/027): how many runs the server accepted and no worker has
 * begun yet, and how long the oldest has waited.  Neither Temporal (its backlog is per priority key, not per
 * workspace) nor the runs index (a run's first workflow task writes nothing) knows it, and a write per run as it
 * begins would cost throughput.  So both sides count, in batches, into one document per workspace:
 *
 * - `in`: the server, for each run it accepts (webhook, API, editor), in the bucket of the run's accept time;
 * - `out`: the worker, when a run's first workflow task runs (a workflow sink), in the bucket of the same accept time
 *   (carried in the run's input); and the server, for an accepted run whose start failed for good.
 *
 * Waiting = `in − out` per (bucket, flow), never below 0; the oldest waiting run was accepted in the oldest bucket
 * where `in > out`.  Counts are for admission and dashboards, not billing: a workflow task that runs again reports
 * `out` again (clamped at 0), and a worker killed in the second between a run's start and its flush loses that
 * `out` (the run counts as waiting until the window ends).  Buckets older than the window are ignored and pruned.
 *
 * Layout: `{ _id: workspaceId, b: { t<bucket>: { <flowId>: { i, o, r } } } }` — `r` counts webhooks refused at the
 * ceiling (admission control).  One `_id` read a workspace (FerretDB v1 uses an index for nothing else).
 */

export const WAITING_RUNS_COLLECTION = 'waiting_runs';
/** The accept-time resolution of the counts (and so of the oldest run's age). */
export const WAITING_BUCKET_MS = 10_000;
/** A bucket whose runs have all begun is pruned this long after its end (late reports re-create it, clamped). */
export const SETTLED_BUCKET_PRUNE_MS = 60_000;

export type WaitingCounter = 'i' | 'o' | 'r';

/** One change to one flow's counter in one bucket. */
export interface WaitingChange {
  workspaceId: string;
  flowId: string;
  acceptedAt: number;
  counter: WaitingCounter;
  by?: number;
}

export interface WaitingRunsDocument {
  _id: string;
  b?: Record<string, Record<string, Partial<Record<WaitingCounter, number>>>>;
}

/** Ids the layout can hold as field names (ours are `flw_…`); anything else is not counted, never written. */
const FIELD_SAFE = /^[A-Za-z0-9_-]{1,64}$/;

export const bucketKeyOf = (acceptedAt: number): string => `t${Math.floor(acceptedAt / WAITING_BUCKET_MS)}`;
export const bucketStartOf = (key: string): number => Number(key.slice(1)) * WAITING_BUCKET_MS;

/** The `$inc` of each workspace's document for a batch of changes (ids that are not field-safe are skipped). */
export function waitingIncrements(changes: readonly WaitingChange[]): Map<string, Record<string, number>> {
  const byWorkspace = new Map<string, Record<string, number>>();
  for (const change of changes) {
    if (!FIELD_SAFE.test(change.flowId) || !Number.isFinite(change.acceptedAt)) continue;
    const inc = byWorkspace.get(change.workspaceId) ?? {};
    byWorkspace.set(change.workspaceId, inc);
    const path = `b.${bucketKeyOf(change.acceptedAt)}.${change.flowId}.${change.counter}`;
    inc[path] = (inc[path] ?? 0) + (change.by ?? 1);
  }
  return byWorkspace;
}

export interface FlowWaiting {
  flowId: string;
  waiting: number;
  /** The accept time of the oldest bucket with a waiting run (up to one bucket earlier than the run itself). */
  oldestAcceptedAt?: number;
  /** Webhooks refused at the ceiling within the window. */
  refused: number;
}

export interface WaitingSummary {
  waiting: number;
  oldestAcceptedAt?: number;
  refused: number;
  flows: FlowWaiting[];
}

export interface WaitingRead {
  summary: WaitingSummary;
  /** `$unset` paths of entries past the window, or settled and past `SETTLED_BUCKET_PRUNE_MS`. */
  prunable: string[];
}

/** Reads a workspace's document: `pending` are this process's changes not written yet (counted as if they were). */
export function readWaiting(
  doc: WaitingRunsDocument | null,
  options: { now: number; windowMs: number; pending?: readonly WaitingChange[] },
): WaitingRead {
  const { now, windowMs } = options;
  const counts = new Map<string, Map<string, Record<WaitingCounter, number>>>();
  const entry = (bucket: string, flowId: string) => {
    const flows = counts.get(bucket) ?? new Map<string, Record<WaitingCounter, number>>();
    counts.set(bucket, flows);
    const counters = flows.get(flowId) ?? { i: 0, o: 0, r: 0 };
    flows.set(flowId, counters);
    return counters;
  };
  for (const [bucket, flows] of Object.entries(doc?.b ?? {})) {
    for (const [flowId, counters] of Object.entries(flows ?? {})) {
      const into = entry(bucket, flowId);
      for (const counter of ['i', 'o', 'r'] as const) into[counter] += finiteCount(counters?.[counter]);
    }
  }
  const storedBuckets = new Map([...counts].map(([bucket, flows]) => [bucket, new Set(flows.keys())]));
  for (const change of options.pending ?? []) {
    entry(bucketKeyOf(change.acceptedAt), change.flowId)[change.counter] += change.by ?? 1;
  }
  const flows = new Map<string, FlowWaiting>();
  const prunable: string[] = [];
  for (const [bucket, byFlow] of counts) {
    const start = bucketStartOf(bucket);
    const end = start + WAITING_BUCKET_MS;
    const stored = storedBuckets.get(bucket);
    if (!Number.isFinite(start) || end <= now - windowMs) {
      for (const flowId of stored ?? []) prunable.push(`b.${bucket}.${flowId}`);
      continue;
    }
    for (const [flowId, { i, o, r }] of byFlow) {
      const flow = flows.get(flowId) ?? { flowId, waiting: 0, refused: 0 };
      flows.set(flowId, flow);
      const waiting = Math.max(0, i - o);
      flow.waiting += waiting;
      flow.refused += r;
      if (waiting > 0 && (flow.oldestAcceptedAt === undefined || start < flow.oldestAcceptedAt)) {
        flow.oldestAcceptedAt = start;
      }
      if (waiting === 0 && end <= now - SETTLED_BUCKET_PRUNE_MS && r === 0 && stored?.has(flowId)) {
        prunable.push(`b.${bucket}.${flowId}`);
      }
    }
  }
  const list = [...flows.values()].filter((flow) => flow.waiting > 0 || flow.refused > 0);
  list.sort((a, b) => b.waiting - a.waiting || a.flowId.localeCompare(b.flowId));
  const summary: WaitingSummary = { waiting: 0, refused: 0, flows: list };
  for (const flow of list) {
    summary.waiting += flow.waiting;
    summary.refused += flow.refused;
    if (
      flow.oldestAcceptedAt !== undefined &&
      (summary.oldestAcceptedAt === undefined || flow.oldestAcceptedAt < summary.oldestAcceptedAt)
    ) {
      summary.oldestAcceptedAt = flow.oldestAcceptedAt;
    }
  }
  return { summary, prunable };
}

const finiteCount = (value: unknown): number =>
  typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0;
