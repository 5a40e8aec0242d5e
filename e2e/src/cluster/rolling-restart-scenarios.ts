import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { waitFor, within } from '@pipewright/devstack';
import { runResult } from '../harness.ts';
import { type ClusterProduct, publishFlow, webhookTransformFlow } from './cluster-harness.ts';
import { startRecordingEcho } from './recording-echo.ts';

/** webhook → an HTTP call the echo holds open for a while, sent once: a retry would show as a second request. */
const slowCallFlow = (url: string) => ({
  schemaVersion: 1,
  nodes: [
    { id: 'hook', type: 'core.webhook', typeVersion: 1, position: { x: 0, y: 0 }, config: { method: 'POST' } },
    {
      id: 'call',
      type: 'http.request',
      typeVersion: 1,
      position: { x: 260, y: 0 },
      config: { method: 'POST', url, headers: {}, query: {}, body: '{{ trigger.body }}', responseFormat: 'auto' },
      settings: { retry: { maxAttempts: 1 } },
    },
  ],
  edges: [{ id: 'e1', source: 'hook', target: 'call' }],
});

interface LoadResult {
  answered: number;
  failures: string[];
  runIds: string[];
}

/**
 * Requests through the proxy, four at a time, until `stop`: reads of the flow list and webhook deliveries (each its
 * own run).  Every answer that is not a 2xx, and every request that got no answer, is a failure.
 */
function startLoad(product: ClusterProduct, webhookPath: string): { answered(): number; stop(): Promise<LoadResult> } {
  const result: LoadResult = { answered: 0, failures: [], runIds: [] };
  let stopped = false;
  let sent = 0;
  const loop = async () => {
    while (!stopped) {
      sent += 1;
      const n = sent;
      try {
        if (n % 2 === 0) {
          const response = await product.api('/api/flows');
          await response.arrayBuffer();
          if (response.status !== 200) result.failures.push(`GET /api/flows → ${response.status}`);
        } else {
          const response = await fetch(`${product.urlOf()}${webhookPath}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ n }),
          });
          const body = await response.text();
          if (response.status !== 202) result.failures.push(`POST webhook → ${response.status} ${body}`);
          else result.runIds.push((JSON.parse(body) as { runId: string }).runId);
        }
        result.answered += 1;
      } catch (error) {
        result.failures.push(`request ${n} got no answer: ${String(error)}`);
      }
    }
  };
  const loops = Array.from({ length: 4 }, () => loop());
  return {
    answered: () => result.answered,
    async stop() {
      stopped = true;
      await Promise.all(loops);
      return result;
    },
  };
}

export function rollingRestartScenarios(product: () => ClusterProduct): void {
  describe('rolling restart', () => {
    test('servers restarted one after the other (SIGTERM) while requests flow: no request lost or failed', async () => {
      const { webhookPath } = await publishFlow(product(), 'Rolling restart load', webhookTransformFlow('n'));
      const load = startLoad(product(), webhookPath);
      try {
        for (const server of product().cluster.servers) {
          // Requests flow to both servers, then this one is restarted while they go on.
          const before = load.answered();
          await waitFor('requests flowing', () => (load.answered() >= before + 20 ? true : undefined));
          await server.stop();
          await server.start();
        }
        const after = load.answered();
        await waitFor('requests flowing after the restarts', () => (load.answered() >= after + 20 ? true : undefined));
      } finally {
        const result = await load.stop();
        assert.deepEqual(result.failures, [], `${result.failures.length} of ${result.answered} requests failed`);
        assert.ok(
          result.runIds.length > 10,
          `webhook deliveries went on during the restarts (${result.runIds.length})`,
        );
        // Every accepted delivery is a run that completes.
        for (const runId of result.runIds) await within(`run ${runId}`, runResult(product().temporal, runId), 60_000);
      }
    });

    test('workers restarted one after the other (SIGTERM) with steps in flight: every run succeeds, no step sent twice', async () => {
      const echo = await startRecordingEcho({ holdMs: 1_500 });
      try {
        const { webhookPath } = await publishFlow(product(), 'Rolling restart steps', slowCallFlow(`${echo.url}/slow`));
        let delivered = 0;
        /** One webhook delivery, numbered in order; its number is what the step sends the echo. */
        const deliver = async () => {
          delivered += 1;
          const response = await fetch(`${product().urlOf()}${webhookPath}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ n: delivered }),
          });
          assert.equal(response.status, 202);
          return ((await response.json()) as { runId: string }).runId;
        };
        const runIds: string[] = [];
        for (const worker of product().cluster.workers) {
          // Enough steps at once that both workers hold some when this one is stopped.
          runIds.push(...(await Promise.all(Array.from({ length: 10 }, deliver))));
          await waitFor('steps in flight at the echo', () => (echo.openNow() >= 8 ? true : undefined), {
            timeoutMs: 30_000,
          });
          await worker.stop();
          for (let i = 0; i < 3; i += 1) runIds.push(await deliver());
          await worker.start();
        }
        for (const runId of runIds) {
          await within(`run ${runId} succeeds`, runResult(product().temporal, runId), 90_000);
        }
        const sent = echo.requests.map((request) => (request.body as { n: number }).n).sort((a, b) => a - b);
        assert.deepEqual(
          sent,
          Array.from({ length: delivered }, (_, index) => index + 1),
          'each run called the echo exactly once',
        );
      } finally {
        await echo.close();
      }
    });
  });
}
