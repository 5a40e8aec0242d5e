/**
 * Issue 12's contracts at ingress in Chromium: on the webhook trigger's Contract section a builder infers a schema
 * from the flow's recent deliveries, sees a broken schema named by field as they type, chooses reject and publishes
 * (a bad body gets 422 naming the field), then flag (a bad body runs, and its run page shows the violation).
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { openBrowser, selectNode } from './browser.ts';
import { threeNodeFlow } from './flows.ts';
import { type Product, runResult, signIn, startEchoService, startProduct } from './harness.ts';

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

async function publishInEditor(version: number): Promise<void> {
  await page.getByTestId('publish-button').click();
  await page
    .getByTestId('editor-message')
    .filter({ hasText: new RegExp(`Published version ${version}`) })
    .waitFor();
}

test('infer a contract from recent deliveries, reject a bad body with 422, then flag one and see it on the run', async () => {
  const created = await product.api('/api/flows', {
    method: 'POST',
    body: JSON.stringify({ name: 'Contracted', document: threeNodeFlow(`${echo.url}/contracted`) }),
  });
  assert.equal(created.status, 201, await created.clone().text());
  const { id, webhookPath } = (await created.json()) as { id: string; webhookPath: string };
  const published = await product.api(`/api/flows/${id}/publish`, { method: 'POST' });
  assert.equal(published.status, 201, await published.clone().text());
  const deliver = (body: unknown) =>
    fetch(`${product.baseUrl}${webhookPath}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  for (const body of [
    { name: 'ada', qty: 1 },
    { name: 'bo', qty: 2, note: 'gift' },
  ]) {
    const accepted = await deliver(body);
    assert.equal(accepted.status, 202);
    await runResult(product.temporal, ((await accepted.json()) as { runId: string }).runId);
  }

  await signIn(page, product);
  await page.goto(`${product.baseUrl}/flows/${encodeURIComponent(id)}`);
  await selectNode(page, 'webhook');
  const schema = page.getByTestId('contract-schema');
  const feedback = page.getByTestId('contract-schema-feedback');

  await page.getByTestId('contract-infer').click();
  await page
    .getByTestId('contract-infer-note')
    .filter({ hasText: /Inferred from 2 recent deliveries/ })
    .waitFor();
  const inferred = JSON.parse(await schema.inputValue()) as { required?: string[]; properties?: object };
  assert.deepEqual(inferred.required, ['name', 'qty']);
  assert.deepEqual(Object.keys(inferred.properties ?? {}), ['name', 'note', 'qty']);
  await feedback.filter({ hasText: 'A valid contract.' }).waitFor();
  mkdirSync(artifacts, { recursive: true });
  await page.getByTestId('contract-section').screenshot({ path: resolve(artifacts, 'contract-inspector.png') });

  // A broken schema is named by field as it is typed (the same check the server publishes with).
  const good = await schema.inputValue();
  await schema.fill(good.replace('"integer"', '"intger"'));
  await feedback.filter({ hasText: /^schema\.properties\.qty\.type: / }).waitFor();
  await schema.fill(good);
  await feedback.filter({ hasText: 'A valid contract.' }).waitFor();

  await page.getByTestId('contract-mode').selectOption('reject');
  await publishInEditor(2);
  const rejected = await deliver({ name: 'cy', qty: 'three' });
  assert.equal(rejected.status, 422);
  assert.equal(((await rejected.json()) as { error: { message: string } }).error.message, 'body.qty: must be integer');
  assert.equal((await deliver({ name: 'cy', qty: 3 })).status, 202);

  await page.getByTestId('contract-mode').selectOption('flag');
  await publishInEditor(3);
  const flagged = await deliver({ qty: 4 });
  assert.equal(flagged.status, 202);
  const { runId } = (await flagged.json()) as { runId: string };
  await runResult(product.temporal, runId);
  await page.goto(`${product.baseUrl}/runs/${encodeURIComponent(runId)}`);
  await page.getByTestId('run-contract-violations').filter({ hasText: 'body.name: is required' }).waitFor();
  await page.screenshot({ path: resolve(artifacts, 'contract-flagged-run.png') });

  await page.goto(`${product.baseUrl}/flows/${encodeURIComponent(id)}`);
  await selectNode(page, 'webhook');
  await page.getByTestId('contract-violations').filter({ hasText: '1 rejected, 1 flagged' }).waitFor();
});
