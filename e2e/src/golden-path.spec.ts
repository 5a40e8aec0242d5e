/**
 * The walking skeleton's golden path in Chromium: build webhook → transform → HTTP request by dragging from the
 * palette, connect, configure, publish, trigger the webhook from the test, watch every node succeed and read the
 * HTTP response in the run view.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { openBrowser, selectNode } from './browser.ts';
import { type Product, signIn, startEchoService, startProduct } from './harness.ts';

const artifacts = resolve(import.meta.dirname, '../artifacts');
let product: Product;
let echo: Awaited<ReturnType<typeof startEchoService>>;
let browser: Browser;
let page: Page;

before(async () => {
  [product, echo] = await Promise.all([startProduct(), startEchoService()]);
  ({ browser, page } = await openBrowser());
});

after(async () => {
  await browser?.close();
  await echo?.close();
  await product?.stop();
});

test('build, publish, trigger by webhook and watch a three-node flow succeed', async () => {
  await signIn(page, product);
  await page.goto(product.baseUrl);
  await page.getByTestId('new-flow-button').click();
  await page.getByTestId('new-flow-name').fill('Orders to CRM');
  await page.getByTestId('new-flow-create').click();
  await page.waitForURL(/\/flows\/[^/]+$/);

  // Drag the three steps from the palette (searching for the last one).  Every drop stays in the part of the canvas
  // the inspector (340 px on the right, once a node is selected) does not cover: 1440 − 250 palette − 340 = 850 px.
  const canvas = page.getByTestId('canvas');
  await page.getByTestId('palette-item-core.webhook').dragTo(canvas, { targetPosition: { x: 100, y: 120 } });
  await page.getByTestId('palette-item-core.transform').dragTo(canvas, { targetPosition: { x: 330, y: 280 } });
  await page.getByTestId('palette-search').fill('http');
  await page.getByTestId('palette-item-http.request').dragTo(canvas, { targetPosition: { x: 560, y: 440 } });
  for (const id of ['webhook', 'transform', 'http_request']) await page.getByTestId(`node-${id}`).waitFor();

  // Connect webhook → transform → http_request by dragging between handles.
  await connect(page, 'webhook', 'transform');
  await connect(page, 'transform', 'http_request');
  await page.locator('.react-flow__edge').nth(1).waitFor({ state: 'attached' });
  assert.equal(await page.locator('.react-flow__edge').count(), 2);

  // Configure the transform: two computed fields.
  await selectNode(page, 'transform');
  await page.getByTestId('field-fields-add').click();
  await page.getByTestId('field-fields-name-0').fill('customer');
  await page.getByTestId('field-fields-value-0').fill('{{ $uppercase(trigger.body.name) }}');
  await page.getByTestId('field-fields-add').click();
  await page.getByTestId('field-fields-name-1').fill('total');
  await page.getByTestId('field-fields-value-1').fill('{{ trigger.body.qty * 10 }}');

  // Configure the HTTP request: POST the transform's output to the local service.
  await selectNode(page, 'http_request');
  await page.getByTestId('field-method').selectOption('POST');
  await page.getByTestId('field-url').fill(`${echo.url}/orders`);
  await page.getByTestId('field-body').fill('{{ steps.transform }}');

  await page.getByTestId('save-button').click();
  await expectText(page, 'editor-message', /Saved/);

  await page.getByTestId('publish-button').click();
  await expectText(page, 'editor-message', /Published version 1/);

  const webhookUrl = (await page.getByTestId('webhook-url').textContent())?.trim() ?? '';
  assert.match(webhookUrl, /\/hooks\/[0-9a-f]+$/);

  // Trigger it like an external sender would.
  const response = await fetch(webhookUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Ada', qty: 3 }),
  });
  assert.equal(response.status, 202);
  const { runId } = (await response.json()) as { runId: string };
  assert.ok(runId);

  // Watch it: the run page shows every node succeeded and the HTTP response.
  await page.goto(`${product.baseUrl}/runs/${runId}`);
  for (const id of ['webhook', 'transform', 'http_request']) {
    await page.locator(`[data-testid="run-node-${id}"][data-status="succeeded"]`).waitFor();
  }
  await page.getByTestId('run-node-http_request').click();
  const output = (await page.getByTestId('node-output').textContent()) ?? '';
  assert.match(output, /hello from the echo service/);
  assert.match(output, /"customer": "ADA"/);
  assert.match(output, /"total": 30/);
  assert.equal(echo.requests.at(-1)?.method, 'POST');
  assert.deepEqual(echo.requests.at(-1)?.body, { customer: 'ADA', total: 30 });

  mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: resolve(artifacts, 'finished-run.png'), fullPage: true });
});

test('undo/redo on the canvas, and the Run button runs the draft with a typed payload, watched live', async () => {
  await page.goto(product.baseUrl);
  await page.getByTestId('new-flow-button').click();
  await page.getByTestId('new-flow-name').fill('Manual test run');
  await page.getByTestId('new-flow-create').click();
  await page.waitForURL(/\/flows\/[^/]+$/);

  // Click-to-add builds a connected chain from the selected node.
  await page.getByTestId('palette-item-core.manual').click();
  await page.getByTestId('palette-item-core.transform').click();
  await page.getByTestId('node-transform').waitFor();
  await page.locator('[data-testid="rf__edge-manual__transform"]').waitFor({ state: 'attached' });
  await page.getByTestId('field-fields-add').click();
  await page.getByTestId('field-fields-name-0').fill('doubled');
  await page.getByTestId('field-fields-value-0').fill('{{ trigger.body.n * 2 }}');

  // Delete the transform, undo brings it back with its edge, redo removes it again, undo once more.
  await page.getByTestId('node-transform').click();
  await page.keyboard.press('Delete');
  await page.getByTestId('node-transform').waitFor({ state: 'detached' });
  await page.getByTestId('undo-button').click();
  await page.getByTestId('node-transform').waitFor();
  await page.locator('[data-testid="rf__edge-manual__transform"]').waitFor({ state: 'attached' });
  await page.getByTestId('redo-button').click();
  await page.getByTestId('node-transform').waitFor({ state: 'detached' });
  await page.getByTestId('undo-button').click();
  await page.getByTestId('node-transform').waitFor();

  await page.getByTestId('run-button').click();
  await page.getByTestId('run-payload').fill('{"n": 21}');
  await page.getByTestId('run-confirm').click();
  await page.locator('[data-testid="run-view"][data-run-status="succeeded"]').waitFor();
  await page.locator('[data-testid="node-transform"][data-status="succeeded"]').waitFor();
  await page.getByTestId('run-node-transform').click();
  assert.match((await page.getByTestId('node-output').textContent()) ?? '', /"doubled": 42/);
});

async function connect(page: Page, from: string, to: string): Promise<void> {
  await page
    .locator(`[data-testid="node-${from}"] .react-flow__handle.source`)
    .dragTo(page.locator(`[data-testid="node-${to}"] .react-flow__handle.target`));
}

async function expectText(page: Page, testId: string, pattern: RegExp): Promise<void> {
  await page.getByTestId(testId).filter({ hasText: pattern }).waitFor();
}
