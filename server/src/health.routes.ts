import type { HealthResponse, ReadinessResponse } from '@pipewright/api-contract';
import type { Client } from '@temporalio/client';
import { Router } from 'express';
import type { Db } from 'mongodb';

const CHECK_TIMEOUT_MS = 2_000;

export function createHealthRouter(deps: { db: Db; temporal: Client; draining?: AbortSignal }): Router {
  const router = Router();
  // What a load balancer asks (docs/cluster.md): only whether this process takes requests.  It never asks Temporal or
  // MongoDB: when those are down every server is, and the proxy must keep sending requests so that each is answered
  // a clear 503 with Retry-After, or a run is queued, rather than the proxy's own "no server available".
  router.get('/health/ready', (_req, res) => {
    const draining = deps.draining?.aborted ?? false;
    const body: ReadinessResponse = draining ? { ready: false, reason: 'draining' } : { ready: true };
    res.status(draining ? 503 : 200).json(body);
  });
  router.get('/health', async (_req, res) => {
    const [temporal, mongo] = await Promise.all([
      check(() =>
        deps.temporal.connection.withDeadline(Date.now() + CHECK_TIMEOUT_MS, () =>
          deps.temporal.workflowService.getSystemInfo({}),
        ),
      ),
      check(() => withTimeout(deps.db.command({ ping: 1 }), CHECK_TIMEOUT_MS)),
    ]);
    const body: HealthResponse = { ok: temporal.ok && mongo.ok, temporal, mongo };
    res.status(body.ok ? 200 : 503).json(body);
  });
  return router;
}

async function check(probe: () => Promise<unknown>): Promise<{ ok: boolean; error?: string }> {
  try {
    await probe();
    return { ok: true };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
