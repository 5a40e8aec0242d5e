/**
 * Import from n8n in Chromium: a builder picks an n8n 1.x export on the flows page, reads the import report (every
 * node or expression not translated, by node name), and opens the new draft with the n8n nodes on the canvas.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { openBrowser } from './browser.ts';
import { type Product, signIn, startProduct } from './harness.ts';

const artifacts = resolve(import.meta.dirname, '../artifacts');
const fixtures = resolve(import.meta.dirname, '../../packages/n8n-import/fixtures');
let product: Product;
let browser: Browser;
let page: Page;

before(async () => {
  product = await startProduct();
  ({ browser, page } = await openBrowser());
  await signIn(page, product);
});

after(async () => {
  await browser?.close();
  await product?.stop();
});

async function openImportDialog(): Promise<void> {
  await page.goto(product.baseUrl);
  await page.getByTestId('import-n8n-button').click();
  await page.getByTestId('import-n8n-dialog').waitFor();
}

test('an n8n export chosen as a file becomes a draft; the report names what was not translated', async () => {
  await openImportDialog();
  await page.getByTestId('import-n8n-file').setInputFiles(resolve(fixtures, 'order-routing.json'));
  // The file's text lands in the paste box, where the builder can still look at it.
  await page.waitForFunction(
    `document.querySelector('[data-testid="import-n8n-text"]')?.value.includes('"Order routing"') === true`,
  );
  await page.getByTestId('import-n8n-confirm').click();

  const report = page.getByTestId('import-n8n-report');
  await report.waitFor();
  const summary = (await page.getByTestId('import-n8n-summary').textContent()) ?? '';
  assert.match(summary, /Imported Order routing as a draft with 9 steps/);
  const problems = await page.getByTestId('import-n8n-problem').allTextContents();
  // The untranslated expression, by node name and field.
  assert.ok(
    problems.some((text) =>
      /^Flag in CRM · bodyParameters\.parameters\.1\.value: expression \{\{ \$workflow\.name \}\}/.test(text),
    ),
    problems.join('\n'),
  );
  assert.ok(problems.some((text) => /^Slack: node type n8n-nodes-base\.slack is not supported/.test(text)));
  assert.ok(
    problems.some((text) => /^Flag in CRM · credentials: credentials \(httpHeaderAuth\) are never imported/.test(text)),
  );

  mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: resolve(artifacts, 'n8n-import-report.png') });

  await page.getByTestId('import-n8n-open').click();
  await page.waitForURL(/\/flows\/[^/]+$/);
  for (const id of [
    'incoming_order',
    'big_german_order',
    'flag_in_crm',
    'by_channel',
    'tag_web_order',
    'summarise_store_order',
    'merge',
    'wait',
    'slack',
  ]) {
    await page.getByTestId(`node-${id}`).waitFor();
  }
  assert.match((await page.getByTestId('node-big_german_order').textContent()) ?? '', /Big German order\?/);
  await page.locator('.react-flow__edge').nth(8).waitFor({ state: 'attached' });
  assert.equal(await page.locator('.react-flow__edge').count(), 9);
});

test('pasted text that is not JSON, or not an n8n workflow, is refused with a message naming why', async () => {
  await openImportDialog();
  await page.getByTestId('import-n8n-text').fill('name: not json');
  await page.getByTestId('import-n8n-confirm').click();
  await page.getByText(/This is not JSON/).waitFor();

  await page.getByTestId('import-n8n-text').fill(JSON.stringify({ name: 'Not a workflow' }));
  await page.getByTestId('import-n8n-confirm').click();
  const error = page.getByTestId('import-n8n-error');
  await error.waitFor();
  assert.match(
    (await error.textContent()) ?? '',
    /body: is not an n8n workflow export: it needs "nodes" and "connections"/,
  );
  assert.equal(await page.getByTestId('import-n8n-report').count(), 0);
});

test('a pasted export reports the expression it could not translate and opens with its three steps', async () => {
  await openImportDialog();
  await page.getByTestId('import-n8n-text').fill(readFileSync(resolve(fixtures, 'webhook-set-http.json'), 'utf8'));
  await page.getByTestId('import-n8n-confirm').click();
  await page.getByTestId('import-n8n-report').waitFor();
  const problems = await page.getByTestId('import-n8n-problem').allTextContents();
  assert.ok(
    problems.some((text) => /^Edit Fields · assignments\.assignments\.3\.value: .*\$now\.toISO\(\)/.test(text)),
  );
  await page.getByTestId('import-n8n-open').click();
  await page.waitForURL(/\/flows\/[^/]+$/);
  for (const id of ['webhook', 'edit_fields', 'send_to_fulfilment']) await page.getByTestId(`node-${id}`).waitFor();
});
