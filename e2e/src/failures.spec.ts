/**
 * Issue 12's runs list and failed-runs queue in Chromium: runs are found by a business key the builder declares
 * searchable in the editor; failures of one cause are grouped in the queue; once the cause is fixed, a bulk retry from the failed
 * step starts new runs that succeed without calling the step that had succeeded again.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { waitFor } from '@pipewright/devstack';
import type { Browser, Page } from 'playwright-core';
import { openBrowser } from './browser.ts';
import { type Product, runResult, signIn, startProduct } from './harness.ts';

let product: Product;
let browser: Browser;
let page: Page;
/** The order system: `/fetch` answers 200; `/save` answers 500 until `saveWorks`. */
let orders: Server;
let ordersUrl = '';
let saveWorks = false;
const calls: string[] = [];

before(async () => {
  orders = createServer((req, res) => {
    calls.push(req.url ?? '');
    req.resume();
    const failing = req.url === '/save' && !saveWorks;
    res.writeHead(failing ? 500 : 200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(failing ? { error: 'database down' } : { ok: req.url }));
  });
  await new Promise<void>((done) => orders.listen(0, '127.0.0.1', done));
  ordersUrl = `http://127.0.0.1:${(orders.address() as AddressInfo).port}`;
  product = await startProduct();
  ({ browser, page } = await openBrowser());
});

after(async () => {
  await browser?.close();
  await product?.stop();
  orders?.closeAllConnections();
  await new Promise((done) => orders?.close(done));
});

const retry = { maxAttempts: 2, initialIntervalMs: 50, backoffCoefficient: 1, maxIntervalMs: 50 };
const call = (id: string, path: string, x: number) => ({
  id,
  type: 'http.request',
  typeVersion: 1,
  position: { x, y: 0 },
  config: { method: 'POST', url: `${ordersUrl}${path}`, body: { orderId: '{{ trigger.body.orderId }}' } },
  settings: { retry },
});

async function json<T>(path: string, init: RequestInit = {}): Promise<T> {
  const response = await product.api(path, init);
  assert.ok(response.ok, `${init.method ?? 'GET'} ${path} → ${response.status} ${await response.clone().text()}`);
  return (await response.json()) as T;
}

/** The worker's run-report writer (@pipewright/run-reports) records each failed run in the queue. */
async function failuresRecorded(runIds: string[]): Promise<void> {
  const failures = product.db.collection<{ _id: string }>('run_failures');
  for (const runId of runIds) {
    await waitFor(`the failure of ${runId} in the queue`, async () =>
      (await failures.findOne({ _id: runId })) === null ? undefined : true,
    );
  }
}

test('find runs by business key, then bulk-retry the failed ones from the failed step', async () => {
  const document = {
    schemaVersion: 1,
    nodes: [
      { id: 'hook', type: 'core.webhook', typeVersion: 1, position: { x: 0, y: 0 }, config: { method: 'POST' } },
      call('fetch', '/fetch', 260),
      call('save', '/save', 520),
    ],
    edges: [
      { id: 'e1', source: 'hook', target: 'fetch' },
      { id: 'e2', source: 'fetch', target: 'save' },
    ],
  };
  const flow = await json<{ id: string; webhookPath: string }>('/api/flows', {
    method: 'POST',
    body: JSON.stringify({ name: 'Order sync', document }),
  });

  // The builder declares the business key in the editor, then publishes.
  await signIn(page, product);
  await page.goto(`${product.baseUrl}/flows/${encodeURIComponent(flow.id)}`);
  await page.getByTestId('searchable-fields-open').click();
  await page.getByTestId('searchable-add').click();
  await page.getByTestId('searchable-name-0').fill('orderId');
  await page.getByTestId('searchable-expression-0').fill('{{ trigger.body.orderId }}');
  await page.getByTestId('searchable-apply').click();
  await page.getByTestId('save-button').click();
  await page.getByTestId('editor-message').filter({ hasText: /Saved/ }).waitFor();
  await page.getByTestId('publish-button').click();
  await page
    .getByTestId('editor-message')
    .filter({ hasText: /Published version 1/ })
    .waitFor();
  assert.equal((await page.getByTestId('searchable-fields-open').textContent())?.trim(), 'Searchable fields (1)');
  const runIds: string[] = [];
  for (const orderId of ['A-1001', 'A-1002']) {
    const delivered = await fetch(`${product.baseUrl}${flow.webhookPath}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ orderId }),
    });
    assert.equal(delivered.status, 202);
    const { runId } = (await delivered.json()) as { runId: string };
    await assert.rejects(runResult(product.temporal, runId), 'the save step fails the run');
    runIds.push(runId);
  }
  const [first, second] = runIds;
  assert.ok(first && second);
  await failuresRecorded(runIds);

  // The runs list, filtered by the business key.
  await page.getByTestId('nav-runs').click();
  await page.getByTestId('runs-filter-key').fill('orderId=A-1002');
  await page.getByTestId('runs-filter-apply').click();
  await page.getByTestId(`run-row-${second}`).waitFor();
  assert.equal(await page.getByTestId(`run-row-${first}`).count(), 0, 'the other order is not listed');
  assert.equal(await page.getByTestId(`run-row-${second}`).getAttribute('data-status'), 'failed');

  // The queue: one cause, two runs.
  await page.getByTestId('nav-failures').click();
  const group = page.locator('tr[data-testid^="failure-group-"]').filter({ hasText: 'answered 500' });
  await group.waitFor();
  assert.equal((await group.locator('[data-testid^="failure-group-count-"]').textContent())?.trim(), '2');
  await group.click();
  await page.getByTestId(`failure-row-${first}`).waitFor();
  await page.getByTestId(`failure-row-${second}`).waitFor();

  // The cause is fixed: retry both from the failed step.
  saveWorks = true;
  await page.getByTestId('failures-select-all').check();
  await page.getByTestId('failures-retry-selected').click();
  await page.getByTestId('failure-action-results').waitFor();
  for (const runId of runIds) {
    assert.equal(await page.getByTestId(`failure-result-${runId}`).getAttribute('data-ok'), 'true');
  }
  const newRunId = ((await page.getByTestId(`failure-new-run-${first}`).textContent()) ?? '').trim();
  assert.match(newRunId, /^run_/);
  await page.getByTestId(`failure-new-run-${first}`).click();
  await page.locator('[data-testid="run-view"][data-run-status="succeeded"]').waitFor();
  assert.match((await page.getByTestId('run-retry-of').textContent()) ?? '', new RegExp(first));
  await runResult(product.temporal, newRunId);
  assert.equal(
    calls.filter((url) => url === '/fetch').length,
    2,
    'the fetch step that had succeeded ran once per order',
  );
  // Closed runs drop out of the queue.
  await page.getByTestId('nav-failures').click();
  await page.getByText('No failed runs waiting.').waitFor();
});
