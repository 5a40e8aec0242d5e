/**
 * Issue 15's list filters in the URL, in Chromium: a runs-list filter set with the form goes into the address, so a
 * reload keeps it (the form and the filtered rows), back returns to the unfiltered list, and a hand-written filtered
 * URL opens that list.  Values that make no sense in the URL fall back to "any" instead of breaking the page.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { openBrowser } from './browser.ts';
import { type Product, runResult, signIn, startProduct } from './harness.ts';

let product: Product;
let browser: Browser;
let page: Page;
/** Answers `/ok` with 200 and anything else with 500: one flow succeeds, the other fails. */
let service: Server;
let serviceUrl = '';

before(async () => {
  service = createServer((req, res) => {
    req.resume();
    res.writeHead(req.url === '/ok' ? 200 : 500, { 'content-type': 'application/json' });
    res.end('{}');
  });
  await new Promise<void>((done) => service.listen(0, '127.0.0.1', done));
  serviceUrl = `http://127.0.0.1:${(service.address() as AddressInfo).port}`;
  product = await startProduct();
  ({ browser, page } = await openBrowser());
});

after(async () => {
  await browser?.close();
  await product?.stop();
  service?.closeAllConnections();
  await new Promise((done) => service?.close(done));
});

/** A manual flow that POSTs to `path` once (no retries), and one finished run of its draft; returns both ids. */
async function flowWithOneRun(name: string, path: string): Promise<{ flowId: string; runId: string }> {
  const document = {
    schemaVersion: 1,
    nodes: [
      { id: 'start', type: 'core.manual', typeVersion: 1, position: { x: 0, y: 0 }, config: {} },
      {
        id: 'call',
        type: 'http.request',
        typeVersion: 1,
        position: { x: 260, y: 0 },
        config: { method: 'POST', url: `${serviceUrl}${path}` },
        settings: { retry: { maxAttempts: 1, initialIntervalMs: 100, backoffCoefficient: 1, maxIntervalMs: 100 } },
      },
    ],
    edges: [{ id: 'e1', source: 'start', target: 'call' }],
  };
  const created = await product.api('/api/flows', { method: 'POST', body: JSON.stringify({ name, document }) });
  assert.equal(created.status, 201, await created.clone().text());
  const { id: flowId } = (await created.json()) as { id: string };
  const started = await product.api(`/api/flows/${flowId}/runs`, { method: 'POST', body: '{}' });
  assert.equal(started.status, 202, await started.clone().text());
  const { runId } = (await started.json()) as { runId: string };
  await runResult(product.temporal, runId).catch(() => 'failed, as the failing flow should');
  return { flowId, runId };
}

const row = (runId: string) => page.getByTestId(`run-row-${runId}`);
const search = () => new URL(page.url()).searchParams;

test('a runs-list filter lives in the URL: reload keeps it, back drops it, a written URL opens it', async () => {
  const works = await flowWithOneRun('Works', '/ok');
  const fails = await flowWithOneRun('Fails', '/down');
  await signIn(page, product);

  await page.getByTestId('nav-runs').click();
  await row(works.runId).waitFor();
  await row(fails.runId).waitFor();

  // Only the failed runs, with the form.
  await page.getByTestId('runs-filter-status').selectOption('failed');
  await page.getByTestId('runs-filter-apply').click();
  await page.waitForURL((address) => address.searchParams.get('status') === 'failed');
  await row(works.runId).waitFor({ state: 'detached' });
  assert.equal(await row(fails.runId).getAttribute('data-status'), 'failed');

  // A reload keeps the filter: the form shows it and the list is still filtered.
  await page.reload();
  await row(fails.runId).waitFor();
  assert.equal(await page.getByTestId('runs-filter-status').inputValue(), 'failed');
  assert.equal(await row(works.runId).count(), 0, 'the succeeded run stays filtered out after a reload');

  // Back: the unfiltered list, and the form cleared with it.
  await page.goBack();
  await row(works.runId).waitFor();
  await row(fails.runId).waitFor();
  assert.equal(search().get('status'), null);
  assert.equal(await page.getByTestId('runs-filter-status').inputValue(), '');

  // A filtered link written by hand (as one shared in a chat): one flow's succeeded runs.
  await page.goto(`${product.baseUrl}/runs?flow=${encodeURIComponent(works.flowId)}&status=succeeded`);
  await row(works.runId).waitFor();
  assert.equal(await row(fails.runId).count(), 0, 'the other flow is filtered out');
  assert.equal(await page.getByTestId('runs-filter-flow').inputValue(), works.flowId);
  assert.equal(await page.getByTestId('runs-filter-status').inputValue(), 'succeeded');
});

test('nonsense in the URL falls back to "any" for that filter; the page still lists runs', async () => {
  await page.goto(`${product.baseUrl}/runs?status=exploded&version=latest&from=yesterday&trigger=manual`);
  await page.getByTestId('runs-list').waitFor();
  assert.equal(await page.getByTestId('runs-filter-status').inputValue(), '');
  assert.equal(await page.getByTestId('runs-filter-version').inputValue(), '');
  assert.equal(await page.getByTestId('runs-filter-from').inputValue(), '');
  assert.equal(await page.getByTestId('runs-filter-trigger').inputValue(), 'manual', 'the sensible value is kept');
  assert.equal(await page.locator('[data-testid^="run-row-"]').count(), 2, 'both manual runs are listed');
});
