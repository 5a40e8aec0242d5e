import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, test } from 'node:test';
import { SERVED_BY_HEADER, within } from '@pipewright/devstack';
import type { Page } from 'playwright-core';
import { openBrowser } from '../browser.ts';
import { ADMIN, type ClusterProduct, publishFlow } from './cluster-harness.ts';
import { replicaOfPid } from './replica-probes.ts';

/** The server the run is started on; the page's stream must land on the other one. */
const STARTED_ON = 0;

/**
 * An endpoint that holds each request until the test releases it: the run stays in its step as long as needed.  Once
 * released it answers at once, so a step attempt that timed out while held (a slow machine) and came again succeeds.
 */
async function startHeldEndpoint() {
  let arrived: () => void = () => {};
  const arrival = new Promise<void>((resolve) => {
    arrived = resolve;
  });
  const held: (() => void)[] = [];
  let released = false;
  const server = createServer((_req, res) => {
    const answer = () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    if (released) answer();
    else held.push(answer);
    arrived();
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/slow`,
    arrival,
    release: () => {
      released = true;
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
      // Held while the test finds the stream's server, which on a loaded machine can outlast the step's 30 s default.
      settings: { timeoutMs: 120_000 },
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
        // The proxy names the server that answered (SERVED_BY_HEADER): read it off the stream's answer.
        const otherServer = product().cluster.servers[1 - STARTED_ON]?.name;
        let streamedBy = '';
        for (let attempt = 0; attempt < 6 && streamedBy !== otherServer; attempt++) {
          if (attempt > 0) await fetch(`${proxy}/api/health`); // one request more moves the proxy's turn on
          const stream = page.waitForResponse((response) => response.url().endsWith(`/api/runs/${runId}/events`));
          await page.goto(`${proxy}/runs/${encodeURIComponent(runId)}`);
          streamedBy = (await stream).headers()[SERVED_BY_HEADER] ?? '';
          await page.locator('[data-testid="run-view"][data-run-status="running"]').waitFor();
          await running.waitFor();
        }
        assert.equal(streamedBy, otherServer, 'the page’s stream landed on the server that did not start the run');
        const polls: string[] = [];
        page.on('request', (request) => {
          if (new URL(request.url()).pathname === `/api/runs/${runId}`) polls.push(request.url());
        });

        endpoint.release();
        await page.locator('[data-testid="run-view"][data-run-status="succeeded"]').waitFor({ timeout: 30_000 });
        assert.equal(await page.getByTestId('run-status').textContent(), 'succeeded');
        assert.equal(await page.getByTestId('run-node-start').getAttribute('data-status'), 'succeeded');
        assert.equal(await page.getByTestId('run-node-call').getAttribute('data-status'), 'succeeded');
        assert.deepEqual(polls, [], `the end came over ${streamedBy}’s stream, not by polling`);

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
          `started on server ${STARTED_ON}, streamed by ${streamedBy}, step run by ${[...new Set(stepWorkers)].join(', ')}`,
        );
      } finally {
        endpoint.release();
        await browser.close();
        await endpoint.close();
      }
    });
  });
}
