/**
 * Issue 14's compensation in Chromium: a builder gives the "charge" step an undo (a refund call) in the inspector,
 * runs the flow, the shipping step after it fails, and the run view shows the compensation path: charge undone,
 * with what the refund was sent and what it returned.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { fieldValue, openBrowser, selectNode } from './browser.ts';
import { type Product, signIn, startProduct } from './harness.ts';

let product: Product;
let browser: Browser;
let page: Page;
/** The shop: `/charge` and `/refund` answer 200 with an id; `/ship` refuses with 400. */
let shop: Server;
let shopUrl = '';
const calls: string[] = [];

before(async () => {
  shop = createServer((req, res) => {
    calls.push(req.url ?? '');
    req.resume();
    const path = new URL(req.url ?? '/', 'http://shop').pathname;
    res.writeHead(path === '/ship' ? 400 : 200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(path === '/ship' ? { error: 'no courier' } : { id: `${path.slice(1)}_1` }));
  });
  await new Promise<void>((done) => shop.listen(0, '127.0.0.1', done));
  shopUrl = `http://127.0.0.1:${(shop.address() as AddressInfo).port}`;
  product = await startProduct();
  ({ browser, page } = await openBrowser());
});

after(async () => {
  await browser?.close();
  await product?.stop();
  shop?.closeAllConnections();
  await new Promise((done) => shop?.close(done));
});

test('an undo added in the inspector runs when a later step fails, and the run view shows it', async () => {
  const call = (id: string, path: string, x: number) => ({
    id,
    type: 'http.request',
    typeVersion: 1,
    position: { x, y: 0 },
    config: { method: 'POST', url: `${shopUrl}${path}` },
    settings: { retry: { maxAttempts: 1 } },
  });
  const document = {
    schemaVersion: 1,
    nodes: [
      { id: 'start', type: 'core.manual', typeVersion: 1, position: { x: 0, y: 0 }, config: {} },
      call('charge', '/charge', 260),
      call('ship', '/ship', 520),
    ],
    edges: [
      { id: 'e1', source: 'start', target: 'charge' },
      { id: 'e2', source: 'charge', target: 'ship' },
    ],
  };
  const created = await product.api('/api/flows', { method: 'POST', body: JSON.stringify({ name: 'Shop', document }) });
  assert.equal(created.status, 201, await created.clone().text());
  const flow = (await created.json()) as { id: string };

  await signIn(page, product);
  await page.goto(`${product.baseUrl}/flows/${encodeURIComponent(flow.id)}`);
  await selectNode(page, 'charge');
  await page.getByTestId('undo-type').selectOption('http.request');
  await page.getByTestId('field-undo.url').fill(`${shopUrl}/refund?charge={{ original.output.body.id }}`);
  await page.getByTestId('field-url').click();
  assert.equal(
    await fieldValue(page.getByTestId('field-url')),
    `${shopUrl}/charge`,
    'the step’s own form is untouched',
  );

  await page.getByTestId('run-button').click();
  await page.getByTestId('run-confirm').click();
  await page.locator('[data-testid="run-view"][data-run-status="failed"]').waitFor();
  await page.locator('[data-testid="run-node-undo-charge"][data-undo-status="succeeded"]').waitFor();
  const path = (await page.getByTestId('compensation-path').textContent()) ?? '';
  assert.match(path, /Compensation completed: undo charge/);

  await page.getByTestId('run-node-charge').click();
  assert.equal((await page.getByTestId('node-undo-status').textContent())?.trim(), 'succeeded');
  assert.match((await page.getByTestId('node-undo-input').textContent()) ?? '', /\/refund\?charge=charge_1/);
  assert.match((await page.getByTestId('node-undo-output').textContent()) ?? '', /refund_1/);
  assert.deepEqual(
    calls.map((url) => url.split('?')[0]),
    ['/charge', '/ship', '/refund'],
    'the refund was sent once, after the failure',
  );
});
