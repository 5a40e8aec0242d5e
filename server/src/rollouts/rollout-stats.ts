import type { RolloutVersionStats } from '@pipewright/api-contract';

/** One run as the comparison counts it: Temporal's status number and its start and close (ms; null while open). */
export interface RunTiming {
  status: number;
  startedMs: number | null;
  closedMs: number | null;
}

/** Temporal's WorkflowExecutionStatus: 1 running, 2 completed, 3 failed, 6 continued as new; others ended otherwise. */
const RUNNING = new Set([1, 6]);
const SUCCEEDED = 2;

/**
 * A version's runs summed up: counts, success rate over the runs that ended (a run ended by a timeout, cancel or
 * terminate counts as failed: it did not do its work), and the start-to-close latency percentiles of those runs.
 */
export function versionStats(version: number, runs: readonly RunTiming[]): RolloutVersionStats {
  const running = runs.filter((run) => RUNNING.has(run.status)).length;
  const succeeded = runs.filter((run) => run.status === SUCCEEDED).length;
  const ended = runs.length - running;
  const durations = runs
    .filter((run) => !RUNNING.has(run.status) && run.startedMs !== null && run.closedMs !== null)
    .map((run) => (run.closedMs ?? 0) - (run.startedMs ?? 0))
    .sort((a, b) => a - b);
  return {
    version,
    runs: runs.length,
    succeeded,
    failed: ended - succeeded,
    running,
    successRate: ended === 0 ? null : succeeded / ended,
    p50Ms: percentile(durations, 0.5),
    p95Ms: percentile(durations, 0.95),
  };
}

/** Nearest-rank percentile of sorted values; null for none. */
export function percentile(sorted: readonly number[], fraction: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil(fraction * sorted.length));
  return sorted[rank - 1] ?? null;
}
