import type { RunStatusValue, RunSummary, RunsPage } from '@pipewright/api-contract';
import type { RunFlowInput } from '@pipewright/run-contract';
import { runKeyItem } from '@pipewright/run-contract';
import { runKeysOf } from '@pipewright/runtime';
import type { Client } from '@temporalio/client';
import { toSummaryBase } from './run-summary.ts';
import type { ListFilter, QueuedRun, RunRecord, RunsRepository } from './runs.repository.ts';
import {
  admitsQueued,
  decodeCursor,
  encodeCursor,
  filterFingerprint,
  type ListRunsQuery,
  visibilityQuery,
} from './runs-query.ts';
import { adoptScheduledRun } from './scheduled-runs.ts';

/** A listing that takes longer answers 503 (errors.ts): the client's own retries would hold it a minute. */
const READ_DEADLINE_MS = 5_000;

/** Temporal's WorkflowExecutionStatus numbers (the server imports no protos). */
const STATUS_BY_NUMBER: Partial<Record<number, RunStatusValue>> = {
  1: 'running',
  2: 'succeeded',
  3: 'failed',
  4: 'cancelled',
  5: 'terminated',
  6: 'running',
  7: 'timed_out',
};

interface Timestamp {
  seconds?: { toString(): string } | number | null;
  nanos?: number | null;
}

const toMs = (at: Timestamp | null | undefined): number | null =>
  at?.seconds === undefined || at.seconds === null
    ? null
    : Number(at.seconds.toString()) * 1000 + Math.floor((at.nanos ?? 0) / 1e6);

/**
 * A filtered list of runs, from Temporal's visibility store: one `ListWorkflowExecutions` page per request, the
 * page token as the cursor (opaque to the client, bound to the filter).  Temporal orders it: open runs first, then by
 * close time, newest first.  Queued runs (not on Temporal yet) lead the first page when the status filter admits
 * them.  A run on Temporal but not in the index (a step test) is left out; a scheduled one is adopted as a listing
 * does (scheduled-runs.ts).  Visibility is eventually consistent: a run started a moment ago may show a moment later.
 */
export async function searchRuns(
  deps: { client: Client; runs: RunsRepository },
  workspaceId: string,
  query: ListRunsQuery,
): Promise<RunsPage> {
  const visibility = visibilityQuery(workspaceId, query);
  const token = query.cursor === undefined ? undefined : decodeCursor(query.cursor, 'search', visibility ?? '');
  const items: RunSummary[] = [];
  if (token === undefined && admitsQueued(query)) items.push(...(await queuedMatching(deps.runs, workspaceId, query)));
  if (visibility === null) return { items, nextCursor: null };

  const { client } = deps;
  const response = await client.connection.withDeadline(Date.now() + READ_DEADLINE_MS, () =>
    client.workflowService.listWorkflowExecutions({
      namespace: client.options.namespace,
      query: visibility,
      pageSize: query.limit,
      ...(token?.kind === 'search' ? { nextPageToken: Buffer.from(token.token, 'base64') } : {}),
    }),
  );
  const found = await Promise.all(
    (response.executions ?? []).map(async (execution) => {
      const runId = execution.execution?.workflowId;
      if (!runId) return undefined;
      const record =
        (await deps.runs.findById(workspaceId, runId)) ??
        (await adoptScheduledRun({ client, runs: deps.runs }, workspaceId, runId));
      if (!record) return undefined;
      const started = toMs(execution.startTime);
      const closed = toMs(execution.closeTime);
      const summary: RunSummary = {
        ...toSummaryBase(record),
        // The start time the time range filters on (Temporal's; the index's is when the run was accepted, a moment
        // earlier), so a run is listed inside the range its own time says.
        ...(started === null ? {} : { startedAt: new Date(started).toISOString() }),
        status: STATUS_BY_NUMBER[Number(execution.status)] ?? 'running',
        endedAt: closed === null ? null : new Date(closed).toISOString(),
        durationMs: closed === null || started === null ? null : closed - started,
      };
      return summary;
    }),
  );
  for (const summary of found) if (summary) items.push(summary);
  const next = response.nextPageToken;
  const nextCursor =
    next && next.length > 0
      ? encodeCursor({
          kind: 'search',
          token: Buffer.from(next).toString('base64'),
          filter: filterFingerprint(visibility),
        })
      : null;
  return { items, nextCursor };
}

/** Queued runs matching the filter: their fields from the queue, their keys computed from their start arguments. */
async function queuedMatching(runs: RunsRepository, workspaceId: string, query: ListRunsQuery): Promise<RunSummary[]> {
  const filter: ListFilter = {
    flowId: query.flowId,
    version: query.version,
    trigger: query.trigger,
    from: query.from === undefined ? undefined : new Date(query.from),
    to: query.to === undefined ? undefined : new Date(query.to),
    limit: query.limit,
  };
  const queued = await runs.listQueued(workspaceId, filter);
  const wanted = (query.key ?? []).map((key) => runKeyItem(key.name, key.value));
  const matching: RunRecord[] = [];
  for (const record of queued) {
    if (wanted.length === 0) {
      matching.push(record);
      continue;
    }
    const full = await runs.findQueuedById(workspaceId, record._id);
    if (full && wanted.every(includedIn(await keysOf(full)))) matching.push(record);
  }
  return matching.map((record) => ({ ...toSummaryBase(record), status: 'queued', endedAt: null, durationMs: null }));
}

const includedIn = (keys: string[]) => (item: string) => keys.includes(item);

async function keysOf(run: QueuedRun): Promise<string[]> {
  const args = JSON.parse(run.pendingStartJson) as RunFlowInput;
  return runKeysOf(args.plan, args.trigger);
}
