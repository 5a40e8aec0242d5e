/**
 * Issue 12's kill switch in Chromium: pausing a flow from the editor's toolbar makes its webhook answer 503 with
 * Retry-After; resuming it there makes the webhook take deliveries again.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { openBrowser } from './browser.ts';
import { threeNodeFlow } from './flows.ts';
import { type Product, signIn, startEchoService, startProduct } from './harness.ts';

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

test('pausing a flow in the editor makes its webhook answer 503; resuming takes deliveries again', async () => {
  const created = await product.api('/api/flows', {
    method: 'POST',
    body: JSON.stringify({ name: 'Pausable', document: threeNodeFlow(`${echo.url}/pausable`) }),
  });
  assert.equal(created.status, 201, await created.clone().text());
  const { id, webhookPath } = (await created.json()) as { id: string; webhookPath: string };
  const published = await product.api(`/api/flows/${id}/publish`, { method: 'POST' });
  assert.equal(published.status, 201, await published.clone().text());
  const deliver = () =>
    fetch(`${product.baseUrl}${webhookPath}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'ada', qty: 1 }),
    });

  await signIn(page, product);
  await page.goto(`${product.baseUrl}/flows/${encodeURIComponent(id)}`);
  await page.getByTestId('flow-pause-mode').selectOption('reject');
  await page.getByTestId('flow-pause-button').click();
  await page.getByTestId('flow-paused-badge').waitFor();
  assert.match((await page.getByTestId('flow-paused-badge').textContent()) ?? '', /Paused/);

  const refused = await deliver();
  assert.equal(refused.status, 503);
  assert.ok(Number(refused.headers.get('retry-after')) > 0, 'Retry-After tells the sender when to come back');
  const body = (await refused.json()) as { error: { code: string } };
  assert.equal(body.error.code, 'flow_paused');

  await page.getByTestId('flow-resume-button').click();
  await page.getByTestId('flow-pause-button').waitFor();
  // The server forgets its cached flow record on its own writes: the next delivery sees the resume.
  const accepted = await deliver();
  assert.equal(accepted.status, 202, await accepted.clone().text());
});
