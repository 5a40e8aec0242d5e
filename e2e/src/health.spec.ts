/**
 * Issue 12's health dashboard in Chromium: a flow whose HTTP step fails for some runs shows its failure rate, and
 * the failing step as its constraint; drilling into the flow lists its steps.  A screenshot goes to e2e/artifacts.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { waitFor } from '@pipewright/devstack';
import type { Browser, Page } from 'playwright-core';
import { openBrowser } from './browser.ts';
import { type Product, runResult, signIn, startProduct } from './harness.ts';

const artifacts = resolve(import.meta.dirname, '../artifacts');
let product: Product;
let browser: Browser;
let page: Page;
/** The ERP: `/ok` answers 200, `/down` 500, `/hold` once the test releases it. */
let erp: Server;
const held: (() => void)[] = [];
let erpUrl = '';

before(async () => {
  erp = createServer((req, res) => {
    req.resume();
    if (req.url === '/hold') {
      held.push(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'));
      return;
    }
    const down = req.url === '/down';
    res.writeHead(down ? 500 : 200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(down ? { error: 'database down' } : { ok: true }));
  });
  await new Promise<void>((done) => erp.listen(0, '127.0.0.1', done));
  erpUrl = `http://127.0.0.1:${(erp.address() as AddressInfo).port}`;
  product = await startProduct();
  ({ browser, page } = await openBrowser());
});

after(async () => {
  await browser?.close();
  await product?.stop();
  erp?.closeAllConnections();
  await new Promise((done) => erp?.close(done));
});

const retry = { maxAttempts: 2, initialIntervalMs: 50, backoffCoefficient: 1, maxIntervalMs: 50 };

test('the health page shows a flow’s failure rate and names its failing step as the constraint', async () => {
  const document = {
    schemaVersion: 1,
    nodes: [
      { id: 'start', type: 'core.manual', typeVersion: 1, position: { x: 0, y: 0 }, config: {} },
      {
        id: 'push',
        type: 'http.request',
        typeVersion: 1,
        position: { x: 260, y: 0 },
        config: { method: 'POST', url: `${erpUrl}/{{ trigger.body.path }}` },
        settings: { retry },
      },
    ],
    edges: [{ id: 'e1', source: 'start', target: 'push' }],
  };
  const created = await product.api('/api/flows', {
    method: 'POST',
    body: JSON.stringify({ name: 'Orders to ERP', document }),
  });
  assert.equal(created.status, 201, await created.clone().text());
  const { id } = (await created.json()) as { id: string };
  assert.equal((await product.api(`/api/flows/${id}/publish`, { method: 'POST' })).status, 201);
  for (const path of ['ok', 'ok', 'ok', 'down']) {
    const started = await product.api(`/api/flows/${id}/runs`, {
      method: 'POST',
      body: JSON.stringify({ source: 'published', payload: { path } }),
    });
    assert.equal(started.status, 202, await started.clone().text());
    const { runId } = (await started.json()) as { runId: string };
    await runResult(product.temporal, runId).catch(() => {});
  }
  // The worker flushes run reports about once a second.
  await waitFor('the rollup to count four runs', async () => {
    const health = (await (await product.api('/api/operations/health?window=1h')).json()) as {
      totals: { runs: number };
    };
    return health.totals.runs === 4 ? true : undefined;
  });

  await signIn(page, product);
  await page.getByTestId('nav-health').click();
  await page.getByTestId('health-page').waitFor();
  await page.getByTestId('health-window-1h').click();
  // 3 of 4 runs succeeded.
  await page.getByTestId('health-stat-success-rate').filter({ hasText: '75 %' }).waitFor();
  // The workspace's share of the workers under a backlog (docs/adr/027): none set, an equal one.
  await page.getByTestId('health-fair-share').filter({ hasText: 'weight 1 (an equal share)' }).waitFor();
  const constraint = page.getByTestId(`health-constraint-${id}`);
  assert.match((await constraint.textContent()) ?? '', /1 failure\b/);
  await page.getByTestId('health-runs-chart').locator('canvas').waitFor();
  mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: resolve(artifacts, 'health-dashboard.png'), fullPage: true });

  await page.getByTestId(`health-flow-${id}`).click();
  await page.getByTestId('health-steps').waitFor();
  assert.match((await page.getByTestId('health-steps').textContent()) ?? '', /http/);
});

test('runs waiting to start show on the runs list and the health page, and go once they began', async () => {
  // At most one run at once, whose step waits for the ERP: the next webhooks' runs wait to start.
  const document = {
    schemaVersion: 1,
    settings: { maxConcurrentRuns: 1 },
    nodes: [
      { id: 'in', type: 'core.webhook', typeVersion: 1, position: { x: 0, y: 0 }, config: { method: 'POST' } },
      {
        id: 'push',
        type: 'http.request',
        typeVersion: 1,
        position: { x: 260, y: 0 },
        config: { method: 'POST', url: `${erpUrl}/hold` },
      },
    ],
    edges: [{ id: 'e1', source: 'in', target: 'push' }],
  };
  const created = await product.api('/api/flows', {
    method: 'POST',
    body: JSON.stringify({ name: 'Nightly import', document }),
  });
  assert.equal(created.status, 201, await created.clone().text());
  const { id, webhookPath } = (await created.json()) as { id: string; webhookPath: string };
  assert.equal((await product.api(`/api/flows/${id}/publish`, { method: 'POST' })).status, 201);
  const runIds: string[] = [];
  for (let n = 0; n < 3; n++) {
    const delivered = await fetch(`${product.baseUrl}${webhookPath}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ n }),
    });
    assert.equal(delivered.status, 202, await delivered.clone().text());
    runIds.push(((await delivered.json()) as { runId: string }).runId);
  }
  await waitFor('the first run to call the ERP', async () => (held.length === 1 ? true : undefined));

  await page.getByTestId('nav-health').click();
  await page.getByTestId('health-page').waitFor();
  // Two wait (the first began and holds the flow's one slot): counted within a second or two…
  let last = '';
  await waitFor(
    () => `the API to count 2 runs of the flow waiting (last answer: ${last})`,
    async () => {
      last = await (await product.api('/api/waiting-runs')).text();
      const view = JSON.parse(last) as { flows: { flowId: string; waiting: number }[] };
      return view.flows.find((flow) => flow.flowId === id)?.waiting === 2 ? true : undefined;
    },
    { timeoutMs: 30_000, intervalMs: 250 },
  );
  // …and on the page at its next refresh (every 5 s).
  const row = page.getByTestId(`health-waiting-${id}`);
  await row
    .filter({ hasText: 'Nightly import' })
    .locator('td:nth-child(2)', { hasText: /^2$/ })
    .waitFor({ timeout: 20_000 });
  await page.goto(`${product.baseUrl}/flows/${id}/runs`);
  await page
    .getByTestId('runs-waiting')
    .filter({ hasText: '2 runs wait to start, the oldest for' })
    .waitFor({ timeout: 20_000 });

  // The ERP answers: each run begins in turn, and nothing waits any more.
  while (runIds.length > 0) {
    await waitFor('the next run to call the ERP', async () => (held.length > 0 ? true : undefined));
    held.shift()?.();
    const runId = runIds.shift();
    if (runId !== undefined) await runResult(product.temporal, runId);
  }
  await page.getByTestId('runs-waiting').waitFor({ state: 'detached', timeout: 30_000 });
});
