/**
 * Flow files in Chromium (issue 15): Export in the editor downloads `<name>.pipewright.json` without the credential
 * picked; "Import from file" on the flows page makes a new draft, reports the credential to pick, and opens it.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { openBrowser, selectNode } from './browser.ts';
import { type Product, signIn, startProduct } from './harness.ts';

const artifacts = resolve(import.meta.dirname, '../artifacts');
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

test('export a flow from the editor, import the file on the flows page, open the new flow', async () => {
  const credential = await product.api('/api/credentials', {
    method: 'POST',
    body: JSON.stringify({ name: 'Orders token', type: 'bearerToken', values: { token: 'e2e-secret-token-4411' } }),
  });
  assert.equal(credential.status, 201);
  const credentialId = ((await credential.json()) as { id: string }).id;
  const document = {
    schemaVersion: 1,
    nodes: [
      { id: 'hook', type: 'core.webhook', typeVersion: 1, position: { x: 0, y: 0 }, config: { method: 'POST' } },
      {
        id: 'call',
        type: 'http.request',
        typeVersion: 1,
        position: { x: 260, y: 0 },
        config: {
          method: 'POST',
          url: 'http://127.0.0.1:9/orders',
          body: { orderId: '{{ steps.hook.body.orderId }}' },
          credentials: { auth: credentialId },
        },
      },
    ],
    edges: [{ id: 'e1', source: 'hook', target: 'call' }],
  };
  const created = await product.api('/api/flows', {
    method: 'POST',
    body: JSON.stringify({ name: 'Order sync', document }),
  });
  assert.equal(created.status, 201);
  const flow = (await created.json()) as { id: string };

  await page.goto(`${product.baseUrl}/flows/${encodeURIComponent(flow.id)}`);
  await page.getByTestId('node-call').waitFor();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('flow-export').click()]);
  assert.equal(download.suggestedFilename(), 'Order sync.pipewright.json');
  mkdirSync(artifacts, { recursive: true });
  const saved = resolve(artifacts, 'flow-files-export.pipewright.json');
  await download.saveAs(saved);
  const text = readFileSync(saved, 'utf8');
  assert.equal(text.includes(credentialId), false, 'no credential id in the file');
  assert.equal(text.includes('e2e-secret-token-4411'), false, 'no secret in the file');
  assert.match(text, /"format":"pipewright\.flow"/);

  await page.goto(product.baseUrl);
  await page.getByTestId('flow-import').click();
  await page.getByTestId('flow-import-dialog').waitFor();
  await page.getByTestId('flow-import-file').setInputFiles(saved);
  await page.getByTestId('flow-import-report').waitFor();
  assert.match((await page.getByTestId('flow-import-summary').textContent()) ?? '', /Imported Order sync as a draft/);
  assert.deepEqual(await page.getByTestId('flow-import-problem').allTextContents(), [
    'call · credentials.auth: credential left unset: pick one',
  ]);

  await page.getByTestId('flow-import-open').click();
  await page.waitForURL((url) => url.pathname.startsWith('/flows/') && !url.pathname.endsWith(flow.id));
  await page.getByTestId('node-call').waitFor();
  assert.equal(await page.getByTestId('flow-name').inputValue(), 'Order sync');
  await selectNode(page, 'call');
  assert.equal(await page.getByTestId('credential-picker-auth').inputValue(), '');

  const flows = (await (await product.api('/api/flows')).json()) as { items: { id: string; name: string }[] };
  assert.equal(flows.items.filter((item) => item.name === 'Order sync').length, 2);
});
