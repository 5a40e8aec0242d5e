/**
 * Live validation in Chromium: a problem appears on its node as the builder edits, without saving or publishing, and
 * goes away once it is fixed.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { openBrowser, selectNode } from './browser.ts';
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

test('clearing a step’s URL marks the node at once; filling it in clears the mark', async () => {
  const document = {
    schemaVersion: 1,
    nodes: [
      { id: 'hook', type: 'core.webhook', typeVersion: 1, position: { x: 0, y: 0 }, config: { method: 'POST' } },
      {
        id: 'call',
        type: 'http.request',
        typeVersion: 1,
        position: { x: 280, y: 0 },
        config: { method: 'POST', url: 'http://127.0.0.1:9/orders' },
      },
    ],
    edges: [{ id: 'e1', source: 'hook', target: 'call' }],
  };
  const created = await product.api('/api/flows', { method: 'POST', body: JSON.stringify({ name: 'Live', document }) });
  assert.equal(created.status, 201);
  const flow = (await created.json()) as { id: string };

  await signIn(page, product);
  await page.goto(`${product.baseUrl}/flows/${encodeURIComponent(flow.id)}`);
  await page.getByTestId('node-call').waitFor();
  assert.equal(await page.getByTestId('node-errors-call').count(), 0, 'a valid flow shows no problem');

  await selectNode(page, 'call');
  await page.getByTestId('field-url').fill('');
  await page.getByTestId('node-errors-call').filter({ hasText: /url/i }).waitFor();

  // The field marks the check's problems on its text, and a syntax error also at the character it is at.
  const url = page.getByTestId('field-url');
  await url.fill('http://127.0.0.1:9/{{ trigger.body ] }}');
  await page
    .getByTestId('node-errors-call')
    .filter({ hasText: /invalid/ })
    .waitFor();
  await url.locator('.cm-lintRange-error.cm-expression-syntax-error', { hasText: /^\]$/ }).waitFor();

  await url.fill('http://127.0.0.1:9/fixed');
  await page.getByTestId('node-errors-call').waitFor({ state: 'detached' });
  assert.equal(await url.locator('.cm-lintRange-error').count(), 0, 'no mark once the field is fixed');
  const versions = (await (await product.api(`/api/flows/${flow.id}/versions`)).json()) as { items: unknown[] };
  assert.deepEqual(versions.items, [], 'nothing was published');
});
