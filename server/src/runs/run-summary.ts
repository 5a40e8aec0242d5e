import type { RunSummary } from '@pipewright/api-contract';
import type { RunRecord } from './runs.repository.ts';

/** What Temporal adds to a run's index record: its status and when it ended. */
export type TemporalView = Pick<RunSummary, 'status' | 'endedAt' | 'durationMs'>;

/** A run Temporal does not have: still queued, or refused at its start. */
export function notOnTemporal(record: RunRecord): TemporalView | undefined {
  if (record.queued === true) return { status: 'queued', endedAt: null, durationMs: null };
  if (record.startError !== undefined) return { status: 'failed', endedAt: null, durationMs: null };
  return undefined;
}

/** The index record's part of a run summary. */
export function toSummaryBase(record: RunRecord): Omit<RunSummary, keyof TemporalView> {
  return {
    id: record._id,
    flowId: record.flowId,
    flowName: record.flowName,
    version: record.version,
    trigger: record.trigger,
    startedAt: record.startedAt.toISOString(),
    ...(record.retryOf === undefined ? {} : { retryOf: record.retryOf }),
    ...(record.rerunOf === undefined ? {} : { rerunOf: record.rerunOf }),
  };
}
