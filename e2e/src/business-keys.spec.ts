/**
 * Issue 14 item 3 in Chromium: the builder gives a flow a business key (drop while running) in the editor; a second
 * event for an order whose run is still going is dropped, and its run page says why.
 */
import assert from 'node:assert/strict';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { within } from '@pipewright/devstack';
import type { Browser, Page } from 'playwright-core';
import { openBrowser } from './browser.ts';
import { type Product, runResult, signIn, startProduct } from './harness.ts';

let product: Product;
let browser: Browser;
let page: Page;
/** The order system: holds every answer until `releaseCalls`, so a run stays active as long as the test needs. */
let orders: Server;
let ordersUrl = '';
const held: ServerResponse[] = [];
let firstCall: (() => void) | undefined;

before(async () => {
  orders = createServer((req, res) => {
    req.resume();
    held.push(res);
    firstCall?.();
  });
  await new Promise<void>((done) => orders.listen(0, '127.0.0.1', done));
  ordersUrl = `http://127.0.0.1:${(orders.address() as AddressInfo).port}/orders`;
  product = await startProduct();
  ({ browser, page } = await openBrowser());
});

after(async () => {
  releaseCalls();
  await browser?.close();
  await product?.stop();
  orders?.closeAllConnections();
  await new Promise((done) => orders?.close(done));
});

function releaseCalls(): void {
  for (const res of held.splice(0)) res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
}

async function deliver(webhookPath: string, orderId: string): Promise<string> {
  const delivered = await fetch(`${product.baseUrl}${webhookPath}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ orderId }),
  });
  assert.equal(delivered.status, 202);
  return ((await delivered.json()) as { runId: string }).runId;
}

test('a business key set in the editor drops an event whose order is still running, and says so', async () => {
  const document = {
    schemaVersion: 1,
    nodes: [
      { id: 'hook', type: 'core.webhook', typeVersion: 1, position: { x: 0, y: 0 }, config: { method: 'POST' } },
      {
        id: 'sync',
        type: 'http.request',
        typeVersion: 1,
        position: { x: 260, y: 0 },
        config: { method: 'POST', url: ordersUrl, body: { orderId: '{{ trigger.body.orderId }}' } },
      },
    ],
    edges: [{ id: 'e1', source: 'hook', target: 'sync' }],
  };
  const created = await product.api('/api/flows', {
    method: 'POST',
    body: JSON.stringify({ name: 'Order sync', document }),
  });
  assert.equal(created.status, 201);
  const flow = (await created.json()) as { id: string; webhookPath: string };

  await signIn(page, product);
  await page.goto(`${product.baseUrl}/flows/${encodeURIComponent(flow.id)}`);
  await page.getByTestId('business-key-open').click();
  await page.getByTestId('business-key-expression').fill('{{ trigger.body.orderId }}');
  await page.getByTestId('business-key-mode').selectOption('drop');
  await page.getByTestId('business-key-apply').click();
  await page.getByTestId('save-button').click();
  await page.getByTestId('editor-message').filter({ hasText: /Saved/ }).waitFor();
  await page.getByTestId('publish-button').click();
  await page
    .getByTestId('editor-message')
    .filter({ hasText: /Published version 1/ })
    .waitFor();
  assert.equal((await page.getByTestId('business-key-open').textContent())?.trim(), 'Business key: drop');

  const called = new Promise<void>((resolve) => {
    firstCall = resolve;
  });
  const first = await deliver(flow.webhookPath, 'A-1001');
  await within('the first run to call the order system', called);
  const second = await deliver(flow.webhookPath, 'A-1001');
  await assert.rejects(runResult(product.temporal, second), (error: { cause?: { message?: string } }) =>
    /^Dropped: /.test(error.cause?.message ?? ''),
  );

  await page.goto(`${product.baseUrl}/runs/${encodeURIComponent(second)}`);
  await page
    .getByText(new RegExp(`Dropped: run ${first} of the same business key`))
    .first()
    .waitFor();

  releaseCalls();
  await runResult(product.temporal, first);
});
