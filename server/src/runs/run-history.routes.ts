import { RUN_HISTORY_MAX_EVENTS, type RunHistoryResponse, runHistoryQuery } from '@pipewright/api-contract';
import type { Client } from '@temporalio/client';
import { Router } from 'express';
import { z } from 'zod';
import { getAuth, requireRole } from '../auth/auth-context.ts';
import { parseRequest } from '../errors.ts';
import type { HistoryEvent } from './history-fields.ts';
import { mapRunHistory, pageRows } from './run-history.ts';
import { notOnTemporal } from './run-summary.ts';
import type { RunsService } from './runs.service.ts';

const PAGE_SIZE = 1000;
const READ_DEADLINE_MS = 10_000;
/** gRPC NOT_FOUND: Temporal no longer keeps the run (retention) or never had it. */
const GRPC_NOT_FOUND = 5;

const runParams = z.object({ id: z.string().min(1).max(200) });

export function createRunHistoryRouter(deps: { runs: RunsService; temporal: Client }): Router {
  const router = Router();
  router.get('/runs/:id/history', requireRole('viewer'), async (req, res) => {
    const { id } = parseRequest(runParams, req.params, 'params');
    const query = parseRequest(runHistoryQuery, req.query, 'query');
    // The run's index record, in the caller's workspace: another workspace's run reads as 404.
    const { record } = await deps.runs.load(getAuth(res).workspaceId, id);
    if (notOnTemporal(record)) {
      res.json({ attempts: {}, events: [], nextAfter: null, truncated: false } satisfies RunHistoryResponse);
      return;
    }
    const { events, truncated } = await readHistory(deps.temporal, record._id);
    const mapped = mapRunHistory(events);
    res.json({
      attempts: mapped.attempts,
      ...pageRows(mapped.rows, query.after, query.limit),
      truncated,
    } satisfies RunHistoryResponse);
  });
  return router;
}

async function readHistory(
  client: Client,
  workflowId: string,
): Promise<{ events: HistoryEvent[]; truncated: boolean }> {
  const events: HistoryEvent[] = [];
  let nextPageToken: Uint8Array | undefined;
  try {
    do {
      const page = await client.connection.withDeadline(Date.now() + READ_DEADLINE_MS, () =>
        client.workflowService.getWorkflowExecutionHistory({
          namespace: client.options.namespace,
          execution: { workflowId },
          maximumPageSize: Math.min(PAGE_SIZE, RUN_HISTORY_MAX_EVENTS - events.length),
          ...(nextPageToken === undefined ? {} : { nextPageToken }),
        }),
      );
      for (const event of page.history?.events ?? []) events.push({ ...event });
      nextPageToken = page.nextPageToken && page.nextPageToken.length > 0 ? page.nextPageToken : undefined;
    } while (nextPageToken !== undefined && events.length < RUN_HISTORY_MAX_EVENTS);
  } catch (error) {
    const notFound = typeof error === 'object' && error !== null && 'code' in error && error.code === GRPC_NOT_FOUND;
    if (notFound) return { events: [], truncated: false };
    throw error;
  }
  return { events, truncated: nextPageToken !== undefined };
}
