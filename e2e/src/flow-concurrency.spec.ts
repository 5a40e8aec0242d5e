/**
 * "At most N runs at once" in Chromium: the builder sets the limit in the flow's settings, a value out of range is
 * refused on the spot, and the saved limit is kept across a reload (docs/adr/020).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { openBrowser } from './browser.ts';
import { type Product, signIn, startProduct } from './harness.ts';

let product: Product;
let browser: Browser;
let page: Page;

before(async () => {
  product = await startProduct();
  ({ browser, page } = await openBrowser());
});

after(async () => {
  await browser?.close();
  await product?.stop();
});

test('the builder limits a flow to 3 runs at once; the setting is saved and kept after a reload', async () => {
  const document = {
    schemaVersion: 1,
    nodes: [
      { id: 'hook', type: 'core.webhook', typeVersion: 1, position: { x: 0, y: 0 }, config: { method: 'POST' } },
      {
        id: 'call',
        type: 'http.request',
        typeVersion: 1,
        position: { x: 260, y: 0 },
        config: { method: 'POST', url: 'http://127.0.0.1:9/orders' },
      },
    ],
    edges: [{ id: 'e1', source: 'hook', target: 'call' }],
  };
  const created = await product.api('/api/flows', {
    method: 'POST',
    body: JSON.stringify({ name: 'Limited', document }),
  });
  assert.equal(created.status, 201);
  const flow = (await created.json()) as { id: string };

  await signIn(page, product);
  await page.goto(`${product.baseUrl}/flows/${encodeURIComponent(flow.id)}`);
  const limit = page.getByTestId('max-concurrent-runs');
  await limit.waitFor();
  assert.equal(await limit.inputValue(), '', 'no limit by default');

  await limit.fill('0');
  await page
    .getByTestId('max-concurrent-runs-error')
    .filter({ hasText: /from 1 to 100/ })
    .waitFor();
  await limit.fill('3');
  await limit.press('Enter');
  await page.getByTestId('max-concurrent-runs-error').waitFor({ state: 'detached' });
  await page.getByTestId('save-button').click();
  await page.getByTestId('editor-message').filter({ hasText: /Saved/ }).waitFor();

  await page.reload();
  await page.getByTestId('max-concurrent-runs').waitFor();
  assert.equal(await page.getByTestId('max-concurrent-runs').inputValue(), '3', 'kept after a reload');
  const saved = (await (await product.api(`/api/flows/${flow.id}`)).json()) as {
    document: { settings?: { maxConcurrentRuns?: number } };
  };
  assert.equal(saved.document.settings?.maxConcurrentRuns, 3);
});

test('the builder moves the flow to the batch lane; the setting is saved and kept after a reload', async () => {
  const lane = page.getByTestId('lane-select');
  assert.equal(await lane.inputValue(), '', 'by trigger until chosen');
  await lane.selectOption('batch');
  await page.getByTestId('save-button').click();
  await page.getByTestId('editor-message').filter({ hasText: /Saved/ }).waitFor();
  await page.reload();
  await page.getByTestId('lane-select').waitFor();
  assert.equal(await page.getByTestId('lane-select').inputValue(), 'batch', 'kept after a reload');
  const url = new URL(page.url());
  const flowId = url.pathname.split('/').filter(Boolean).at(-1) ?? '';
  const saved = (await (await product.api(`/api/flows/${flowId}`)).json()) as {
    document: { settings?: { lane?: string } };
  };
  assert.equal(saved.document.settings?.lane, 'batch');
});

test('the builder sets the flow’s ceiling of runs waiting to start; a bad value is refused, a good one kept', async () => {
  const ceiling = page.getByTestId('max-waiting-runs');
  await ceiling.fill('0');
  await ceiling.press('Enter');
  await page
    .getByTestId('max-waiting-runs-error')
    .filter({ hasText: /a whole number from 1 to 10000000, or empty for no limit/ })
    .waitFor();
  await ceiling.fill('250');
  await ceiling.press('Enter');
  await page.getByTestId('max-waiting-runs-error').waitFor({ state: 'detached' });
  await page.getByTestId('save-button').click();
  await page.getByTestId('editor-message').filter({ hasText: /Saved/ }).waitFor();
  await page.reload();
  await page.getByTestId('max-waiting-runs').waitFor();
  assert.equal(await page.getByTestId('max-waiting-runs').inputValue(), '250', 'kept after a reload');
  const flowId = new URL(page.url()).pathname.split('/').filter(Boolean).at(-1) ?? '';
  const saved = (await (await product.api(`/api/flows/${flowId}`)).json()) as {
    document: { settings?: { maxWaitingRuns?: number } };
  };
  assert.equal(saved.document.settings?.maxWaitingRuns, 250);
});
