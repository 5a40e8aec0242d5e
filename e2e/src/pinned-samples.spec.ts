/**
 * Pinned sample data in Chromium: test a step, pin its output, save, reload the page — the pin is still there (on
 * the canvas and in the inspector), and the step after it uses it: input data, autocomplete, the live preview and
 * "Test this step".  Unpin is an undoable edit.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { fieldValue, openBrowser, selectNode } from './browser.ts';
import { type Product, signIn, startEchoService, startProduct } from './harness.ts';

let product: Product;
let echo: Awaited<ReturnType<typeof startEchoService>>;
let browser: Browser;
let page: Page;
const artifacts = resolve(import.meta.dirname, '../artifacts');

before(async () => {
  [product, echo] = await Promise.all([startProduct(), startEchoService()]);
  ({ browser, page } = await openBrowser());
});

after(async () => {
  await browser?.close();
  await echo?.close();
  await product?.stop();
});

/** manual → call (POSTs { name: "Ada" } to the echo service) → notify (POSTs to the echo service's /notify). */
async function createFlow(extra: { nodes?: object[]; pinnedData?: Record<string, unknown> } = {}): Promise<string> {
  const base = {
    schemaVersion: 1,
    nodes: [
      { id: 'manual', type: 'core.manual', typeVersion: 1, position: { x: 100, y: 200 }, config: {} },
      {
        id: 'call',
        type: 'http.request',
        typeVersion: 1,
        position: { x: 420, y: 200 },
        config: { method: 'POST', url: `${echo.url}/lookup`, body: { name: 'Ada' } },
      },
      {
        id: 'notify',
        type: 'http.request',
        typeVersion: 1,
        position: { x: 740, y: 200 },
        config: { method: 'POST', url: `${echo.url}/notify` },
      },
    ],
    edges: [
      { id: 'e1', source: 'manual', target: 'call' },
      { id: 'e2', source: 'call', target: 'notify' },
    ],
  };
  const document = {
    ...base,
    nodes: [...base.nodes, ...(extra.nodes ?? [])],
    ...(extra.pinnedData ? { pinnedData: extra.pinnedData } : {}),
  };
  const response = await product.api('/api/flows', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Pinned samples', document }),
  });
  assert.equal(response.status, 201);
  return ((await response.json()) as { id: string }).id;
}

test('test a step, pin its output, reload: the pin is kept and feeds the next step', async () => {
  await signIn(page, product);
  const flowId = await createFlow();
  await page.goto(`${product.baseUrl}/flows/${flowId}`);
  await page.getByTestId('node-call').waitFor();
  assert.equal(await page.getByTestId('node-pinned-call').count(), 0);

  // Test the step, pin what it returned, save.
  await selectNode(page, 'call');
  await page.getByTestId('test-step-button').click();
  await page.locator('[data-testid="test-step-result"][data-status="succeeded"]').waitFor();
  await page.getByTestId('pin-sample-button').click();
  await page.getByTestId('pin-sample-button').filter({ hasText: 'Pinned' }).waitFor();
  await page.getByTestId('node-pinned-call').waitFor();
  await page.getByTestId('save-state').filter({ hasText: 'Unsaved changes' }).waitFor();
  await page.getByTestId('save-button').click();
  await page.getByTestId('save-state').filter({ hasText: 'All changes saved' }).waitFor();

  // Reload: the pin comes back with the draft.
  await page.reload();
  await page.getByTestId('node-pinned-call').waitFor();
  await selectNode(page, 'call');
  const pinned = (await page.getByTestId('pinned-sample-output').textContent()) ?? '';
  assert.match(pinned, /hello from the echo service/);
  assert.match(pinned, /"name": "Ada"/);

  // The next step sees the pinned output: input data, autocomplete and the live preview (no run has happened).
  await selectNode(page, 'notify');
  await page.getByTestId('input-data').getByText('pinned').waitFor();
  await page.getByTestId('data-field-steps.call.body.greeting').waitFor();
  const url = page.getByTestId('field-url');
  await url.click();
  await page.keyboard.press('End');
  await page.keyboard.type('?who={{ steps.call.body.rec');
  await page.getByTestId('suggestion-steps.call.body.received').click();
  assert.match(await fieldValue(url), /\?who=\{\{ steps\.call\.body\.received/);
  await url.fill(`${echo.url}/notify?who={{ steps.call.body.received.name }}`);
  await page.getByTestId('expression-preview-url').filter({ hasText: '/notify?who=Ada' }).waitFor();

  // "Test this step" evaluates the step's input against the pinned output upstream.
  const before = echo.requests.length;
  await page.getByTestId('test-step-button').click();
  await page.locator('[data-testid="test-step-result"][data-status="succeeded"]').waitFor();
  assert.deepEqual(
    echo.requests.slice(before).map((request) => request.path),
    ['/notify?who=Ada'],
  );
  mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: resolve(artifacts, 'pinned-samples.png') });

  // Unpin from the inspector: the marker goes; undo brings the pin back.
  await selectNode(page, 'call');
  await page.getByTestId('unpin-sample-button').click();
  await page.getByTestId('node-pinned-call').waitFor({ state: 'detached' });
  assert.equal(await page.getByTestId('pinned-sample').count(), 0);
  await page.getByTestId('undo-button').click();
  await page.getByTestId('node-pinned-call').waitFor();
  await page.getByTestId('pinned-sample').waitFor();
});

test('a pin that would take the flow over its limit is refused, and the editor says why', async () => {
  // Four steps already pin 262,100 bytes each: 176 bytes short of the 1 MiB a flow may pin.
  const ids = ['a', 'b', 'c', 'd'].map((letter) => `big_${letter}`);
  const flowId = await createFlow({
    nodes: ids.map((id, index) => ({
      id,
      type: 'core.transform',
      typeVersion: 1,
      position: { x: 100 + index * 200, y: 500 },
      config: { fields: [] },
    })),
    pinnedData: Object.fromEntries(ids.map((id) => [id, 'x'.repeat(262_098)])),
  });
  await page.goto(`${product.baseUrl}/flows/${flowId}`);
  await page.getByTestId('node-pinned-big_a').waitFor();
  await selectNode(page, 'call');
  await page.getByTestId('test-step-button').click();
  await page.locator('[data-testid="test-step-result"][data-status="succeeded"]').waitFor();
  await page.getByTestId('pin-sample-button').click();
  const refused = (await page.getByTestId('pin-refused').textContent()) ?? '';
  assert.match(
    refused,
    /^Cannot pin the output of node "call" \(\d+ B\): this flow's pinned data would be 1048\d{3} bytes and the limit is 1048576 bytes \(1 MiB\) per flow\. Unpin another step first$/,
  );
  assert.equal(await page.getByTestId('node-pinned-call').count(), 0);
  await page.getByTestId('save-state').filter({ hasText: 'All changes saved' }).waitFor();
});
