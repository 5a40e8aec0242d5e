/**
 * Issue 3's browser check: build manual → if → two parallel HTTP calls → merge (plus a transform on the branch not
 * taken) in the editor, run it, and read the run view: both calls and the merge succeeded, the other branch was
 * skipped, and the merge combined both responses.
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

test('if → two parallel HTTP calls → merge: built in the editor, run, and read in the run view', async () => {
  await signIn(page, product);
  await page.goto(product.baseUrl);
  await page.getByTestId('new-flow-button').click();
  await page.getByTestId('new-flow-name').fill('Branches');
  await page.getByTestId('new-flow-create').click();
  await page.waitForURL(/\/flows\/[^/]+$/);

  const canvas = page.getByTestId('canvas');
  const place = async (type: string, id: string, x: number, y: number) => {
    await page.getByTestId('palette-search').fill(type.split('.')[1] ?? type);
    await page.getByTestId(`palette-item-${type}`).dragTo(canvas, { targetPosition: { x, y } });
    await page.getByTestId(`node-${id}`).waitFor();
  };
  // The canvas is ~820 px wide beside the palette and inspector: a 3-column layout.
  await place('core.manual', 'manual', 40, 60);
  await place('core.if', 'if', 40, 300);
  await place('http.request', 'http_request', 330, 160);
  await place('http.request', 'http_request_2', 330, 380);
  await place('core.transform', 'transform', 330, 600);
  await place('core.merge', 'merge', 700, 380);

  await connect(page, 'handle-manual-out', 'if');
  await connect(page, 'handle-if-true', 'http_request');
  await connect(page, 'handle-if-true', 'http_request_2');
  await connect(page, 'handle-if-false', 'transform');
  await connect(page, 'handle-http_request-out', 'merge');
  await connect(page, 'handle-http_request_2-out', 'merge');
  await page.locator('.react-flow__edge').nth(5).waitFor({ state: 'attached' });

  await selectNode(page, 'if');
  await page.getByTestId('field-condition').fill('{{ trigger.body.go }}');
  await selectNode(page, 'http_request');
  await page.getByTestId('field-url').fill(`${echo.url}/a`);
  await selectNode(page, 'http_request_2');
  await page.getByTestId('field-url').fill(`${echo.url}/b`);

  await page.getByTestId('run-button').click();
  await page.getByTestId('run-payload').fill('{"go": true}');
  await page.getByTestId('run-confirm').click();
  await page.locator('[data-testid="run-view"][data-run-status="succeeded"]').waitFor();
  for (const id of ['if', 'http_request', 'http_request_2', 'merge']) {
    await page.locator(`[data-testid="run-node-${id}"][data-status="succeeded"]`).waitFor();
  }
  await page.locator('[data-testid="run-node-transform"][data-status="skipped"]').waitFor();
  await page.locator('[data-testid="node-transform"][data-status="skipped"]').waitFor();

  await page.getByTestId('run-node-merge').click();
  const merged = (await page.getByTestId('node-output').textContent()) ?? '';
  assert.equal(merged.match(/hello from the echo service/g)?.length, 2, 'the merge combined both responses');
  assert.deepEqual(echo.requests.map((request) => request.path).sort(), ['/a', '/b']);

  mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: resolve(artifacts, 'control-flow-run.png'), fullPage: true });
});

async function connect(page: Page, sourceHandle: string, target: string): Promise<void> {
  await page
    .getByTestId(sourceHandle)
    .dragTo(page.locator(`[data-testid="node-${target}"] .react-flow__handle.target`));
}
