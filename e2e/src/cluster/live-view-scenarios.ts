import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, test } from 'node:test';
import { waitFor, within } from '@pipewright/devstack';
import type { Page } from 'playwright-core';
import { openBrowser } from '../browser.ts';
import { ADMIN, type ClusterProduct, publishFlow } from './cluster-harness.ts';
import { proxyConnectionsPerServer, replicaOfPid } from './replica-probes.ts';

/** The server the run is started on; the page's stream must land on the other one. */
const STARTED_ON = 0;

/** An endpoint that holds each request until the test releases it: the run stays in its step as long as needed. */
async function startHeldEndpoint() {
  let arrived: () => void = () => {};
  const arrival = new Promise<void>((resolve) => {
    arrived = resolve;
  });
  const held: (() => void)[] = [];
  const server = createServer((_req, res) => {
    held.push(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'));
    arrived();
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/slow`,
    arrival,
    release: () => {
      for (const answer of held.splice(0)) answer();
    },
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

const heldFlow = (url: string) => ({
  schemaVersion: 1,
  nodes: [
    { id: 'start', type: 'core.manual', typeVersion: 1, position: { x: 0, y: 0 }, config: {} },
    {
      id: 'call',
      type: 'http.request',
      typeVersion: 1,
      position: { x: 260, y: 0 },
      config: { method: 'GET', url },
    },
  ],
  edges: [{ id: 'e1', source: 'start', target: 'call' }],
});

async function signIn(page: Page, baseUrl: string): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.getByTestId('login-email').fill(ADMIN.email);
  await page.getByTestId('login-password').fill(ADMIN.password);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('logout-button').waitFor();
}

/** The server the proxy keeps a connection open to (the page's event stream): one seen in two looks in a row. */
async function streamServer(product: ClusterProduct): Promise<number> {
  let previous: Set<string>[] = [];
  return waitFor(
    'the proxy to hold the page’s event stream open to one server',
    () => {
      const current = proxyConnectionsPerServer(product.cluster);
      const kept = current.map((inodes, index) => [...inodes].filter((inode) => previous[index]?.has(inode)).length);
      previous = current;
      const holding = kept.flatMap((count, index) => (count > 0 ? [index] : []));
      return holding.length === 1 ? holding[0] : undefined;
    },
    { intervalMs: 200 },
  );
}

export function liveViewScenarios(product: () => ClusterProduct): void {
  describe('live run view across servers', () => {
    test('the run page, streamed by one server, follows a run started on the other to its end', async (t) => {
      const endpoint = await startHeldEndpoint();
      const { browser, page } = await openBrowser();
      try {
        const { id: flowId } = await publishFlow(product(), 'Cluster live view', heldFlow(endpoint.url));
        const proxy = product().urlOf('proxy');
        await signIn(page, proxy);
        const { runId } = await product().json<{ runId: string }>(`/api/flows/${flowId}/runs`, {
          method: 'POST',
          body: JSON.stringify({ source: 'published' }),
          status: 202,
          via: STARTED_ON,
        });
        await within('a worker to call the held endpoint', endpoint.arrival, 60_000);

        // The proxy takes turns: load the page until its stream lands on the server that did not start the run.
        const running = page.locator('[data-testid="run-node-call"][data-status="running"]');
        let streamedBy = STARTED_ON;
        for (let attempt = 0; attempt < 6 && streamedBy === STARTED_ON; attempt++) {
          if (attempt > 0) await fetch(`${proxy}/api/health`); // one request more moves the proxy's turn on
          await page.goto(`${proxy}/runs/${encodeURIComponent(runId)}`);
          await page.locator('[data-testid="run-view"][data-run-status="running"]').waitFor();
          await running.waitFor();
          streamedBy = await streamServer(product());
        }
        assert.notEqual(streamedBy, STARTED_ON, 'the page’s stream landed on the server that did not start the run');
        const polls: string[] = [];
        page.on('request', (request) => {
          if (new URL(request.url()).pathname === `/api/runs/${runId}`) polls.push(request.url());
        });

        endpoint.release();
        await page.locator('[data-testid="run-view"][data-run-status="succeeded"]').waitFor({ timeout: 30_000 });
        assert.equal(await page.getByTestId('run-status').textContent(), 'succeeded');
        assert.equal(await page.getByTestId('run-node-start').getAttribute('data-status'), 'succeeded');
        assert.equal(await page.getByTestId('run-node-call').getAttribute('data-status'), 'succeeded');
        assert.deepEqual(polls, [], `the end came over server ${streamedBy}’s stream, not by polling`);

        // Which worker ran the step, from Temporal's history: a step's first attempt runs as a local activity on the
        // run's worker (its marker follows the workflow task that worker completed); a remote attempt names its own.
        const history = await product().temporal.workflow.getHandle(runId).fetchHistory();
        const stepWorkers: string[] = [];
        let lastTaskBy = '';
        for (const event of history.events ?? []) {
          const completedBy = event.workflowTaskCompletedEventAttributes?.identity;
          if (completedBy) lastTaskBy = completedBy;
          const isLocalActivity = event.markerRecordedEventAttributes?.markerName === 'core_local_activity';
          const identity = event.activityTaskStartedEventAttributes?.identity ?? (isLocalActivity ? lastTaskBy : '');
          if (!identity) continue;
          stepWorkers.push(replicaOfPid(product().cluster.workers, Number(identity.split('@')[0]))?.name ?? identity);
        }
        assert.ok(stepWorkers.length > 0, 'the step ran as an activity');
        const workerNames = product().cluster.workers.map((worker) => worker.name);
        for (const name of stepWorkers)
          assert.ok(workerNames.includes(name), `${name} is one of the cluster's workers`);
        t.diagnostic(
          `started on server ${STARTED_ON}, streamed by server ${streamedBy}, step run by ${[...new Set(stepWorkers)].join(', ')}`,
        );
      } finally {
        endpoint.release();
        await browser.close();
        await endpoint.close();
      }
    });
  });
}
