import { setTimeout as delay } from 'node:timers/promises';
import { isOpenRunStatus, type RunDetail } from '@pipewright/api-contract';
import { type Request, type Response, Router } from 'express';
import { getAuth, requireRole } from '../auth/auth-context.ts';
import { parseRequest } from '../errors.ts';
import type { RunsService } from './runs.service.ts';
import { listRunsQuery } from './runs-query.ts';

const POLL_INTERVAL_MS = 250;

export function createRunsRouter(deps: {
  runs: RunsService;
  log: (message: string, error: unknown) => void;
  /** Aborted when the server drains: open streams end, and their clients go on through another server. */
  draining?: AbortSignal;
}): Router {
  const { runs } = deps;
  const router = Router();
  const workspaceOf = (res: Response): string => getAuth(res).workspaceId;

  router.get('/runs', requireRole('viewer'), async (req, res) => {
    const query = parseRequest(listRunsQuery, req.query, 'query');
    res.json(await runs.list(workspaceOf(res), query));
  });

  router.get('/runs/:id', requireRole('viewer'), async (req, res) => {
    res.json(await runs.get(workspaceOf(res), req.params.id));
  });

  router.get('/runs/:id/events', requireRole('viewer'), async (req, res) => {
    const run = await runs.load(workspaceOf(res), req.params.id);
    await streamRun(req, res, () => runs.readDetail(run), deps.log, deps.draining);
  });

  return router;
}

/**
 * Server-Sent Events: one `data: <RunDetail>` event whenever the run's view changes (polled server-side), a final
 * one once it closed, then an `end` event and the stream ends (an EventSource should close on it, or on a closed
 * status, rather than reconnect).  Polling stops as soon as the client goes away, or when the server drains: the
 * stream then ends without `end`, and the web app follows the run by polling through the proxy (another server).
 */
async function streamRun(
  req: Request,
  res: Response,
  read: () => Promise<RunDetail>,
  log: (message: string, error: unknown) => void,
  draining: AbortSignal | undefined,
): Promise<void> {
  let closed = draining?.aborted ?? false;
  const close = () => {
    closed = true;
  };
  req.on('close', close);
  draining?.addEventListener('abort', close, { once: true });
  res.status(200).set({
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  res.flushHeaders();
  let last = '';
  try {
    while (!closed) {
      const detail = await read();
      const json = JSON.stringify(detail);
      if (json !== last) {
        res.write(`data: ${json}\n\n`);
        last = json;
      }
      if (!isOpenRunStatus(detail.status)) {
        res.write('event: end\ndata: {}\n\n');
        break;
      }
      await delay(POLL_INTERVAL_MS);
    }
  } catch (error) {
    log(`run event stream ${req.originalUrl} failed`, error);
    if (!closed)
      res.write(`event: error\ndata: ${JSON.stringify({ message: 'Lost track of the run; reload to retry' })}\n\n`);
  } finally {
    draining?.removeEventListener('abort', close);
  }
  res.end();
}
