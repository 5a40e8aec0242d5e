/**
 * The failed-runs queue's size, kept as counters instead of counted: FerretDB v1 (the embedded store) counts by
 * decoding every document of `run_failures` (~0.8 s at 6,000 failures), once per dashboard view and Prometheus
 * scrape.  One document per workspace in `run_failure_counts` holds its open failures per flow and per step type:
 *
 *   { _id: <workspaceId>, flows: { <key>: n }, types: { <key>: n }, v: <changes so far>, reconciledAt?: Date }
 *
 * The worker adds one for each failure it inserts (a repeated report inserts none), the failed-runs queue takes one
 * away when an action claims a failure and gives it back when the action fails.  No backend here has multi-document
 * transactions, so a process that dies between the two writes leaves a counter off by one: the server recounts a
 * workspace now and then (`reconciledAt`), and only when `v` shows no change during its count.
 */

export const RUN_FAILURE_COUNTS_COLLECTION = 'run_failure_counts';

export interface FailureCountsDocument {
  _id: string;
  flows?: Record<string, number>;
  types?: Record<string, number>;
  v?: number;
  reconciledAt?: Date;
}

/** What a counter is keyed by: the failed run's flow and the failing node's step type. */
export interface CountedFailure {
  workspaceId: string;
  flowId: string;
  nodeType: string;
}

/**
 * A flow id or step type as a field name: `.` and `$` would be read as a path or an operator, and package step
 * types are a developer's strings.  Reversed by `fromCountKey`.
 */
export const countKey = (value: string): string => encodeURIComponent(value).replaceAll('.', '%2E');
export const fromCountKey = (key: string): string => decodeURIComponent(key);

/** The `$inc` of each workspace's document that adds (`by` 1) or takes away (`by` -1) these failures. */
export function failureCountChanges(
  failures: readonly CountedFailure[],
  by: 1 | -1,
): Map<string, Record<string, number>> {
  const changes = new Map<string, Record<string, number>>();
  for (const failure of failures) {
    let inc = changes.get(failure.workspaceId);
    if (!inc) {
      inc = { v: 0 };
      changes.set(failure.workspaceId, inc);
    }
    for (const path of [`flows.${countKey(failure.flowId)}`, `types.${countKey(failure.nodeType)}`]) {
      inc[path] = (inc[path] ?? 0) + by;
    }
    inc.v = (inc.v ?? 0) + 1;
  }
  return changes;
}

/** The counters of a document as maps by flow id and by step type (counts below one left out). */
export function failureCountsOf(doc: FailureCountsDocument | null | undefined): {
  flows: Map<string, number>;
  types: Map<string, number>;
} {
  const read = (counters: Record<string, number> | undefined) =>
    new Map(
      Object.entries(counters ?? {})
        .filter(([, count]) => typeof count === 'number' && count > 0)
        .map(([key, count]) => [fromCountKey(key), count]),
    );
  return { flows: read(doc?.flows), types: read(doc?.types) };
}

/** The counters that say exactly these open failures (what a recount writes). */
export function failureCountFields(failures: readonly Omit<CountedFailure, 'workspaceId'>[]): {
  flows: Record<string, number>;
  types: Record<string, number>;
} {
  const flows: Record<string, number> = {};
  const types: Record<string, number> = {};
  for (const failure of failures) {
    const flow = countKey(failure.flowId);
    const type = countKey(failure.nodeType);
    flows[flow] = (flows[flow] ?? 0) + 1;
    types[type] = (types[type] ?? 0) + 1;
  }
  return { flows, types };
}
