/**
 * Data mapping and versions in Chromium: autocomplete inside `{{ }}`, a live preview from the last run's data,
 * dragging an upstream field into an input, "Test this step"; then publish twice, diff the versions, roll back,
 * and re-run a run on the current version.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { fieldValue, openBrowser } from './browser.ts';
import { type Product, signIn, startEchoService, startProduct } from './harness.ts';

let product: Product;
let echo: Awaited<ReturnType<typeof startEchoService>>;
let browser: Browser;
let page: Page;
let flowId = '';
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

/** manual trigger → http.request posting to the echo service. */
async function createFlow(): Promise<string> {
  const document = {
    schemaVersion: 1,
    nodes: [
      { id: 'manual', type: 'core.manual', typeVersion: 1, position: { x: 100, y: 200 }, config: {} },
      {
        id: 'call',
        type: 'http.request',
        typeVersion: 1,
        position: { x: 450, y: 200 },
        config: { method: 'POST', url: `${echo.url}/v1` },
      },
    ],
    edges: [{ id: 'manual__call', source: 'manual', target: 'call' }],
  };
  const response = await product.api(`/api/flows`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Mapped', document }),
  });
  assert.equal(response.status, 201);
  return ((await response.json()) as { id: string }).id;
}

test('autocomplete, live preview after a run, drag a field, and test this step', async () => {
  await signIn(page, product);
  flowId = await createFlow();
  await page.goto(`${product.baseUrl}/flows/${flowId}`);
  await page.getByTestId('node-call').click();

  // Typing inside {{ }} suggests upstream paths; Enter accepts the highlighted one.
  const body = page.getByTestId('field-body');
  await body.click();
  await page.keyboard.type('{ "name": "{{ trigger.');
  await page.getByTestId('expression-suggestions').waitFor();
  await page.getByTestId('suggestion-trigger.body').waitFor();
  await page.keyboard.press('Enter');
  await page.keyboard.type('.name');
  await page.keyboard.press('End');
  await page.keyboard.type('" }');
  assert.equal(await fieldValue(body), '{ "name": "{{ trigger.body.name }}" }');

  // Before any run the preview has no data; after a run it shows the value from the run's trigger output.
  await page.getByTestId('run-button').click();
  await page.getByTestId('run-payload').fill('{"name": "Ada", "city": "Paris"}');
  await page.getByTestId('run-confirm').click();
  await page.locator('[data-testid="run-view"][data-run-status="succeeded"]').waitFor();
  await page.getByTestId('node-call').click();
  await page.getByTestId('expression-preview-body').filter({ hasText: '"name":"Ada"' }).waitFor();

  // The last run's data now also feeds suggestions: the payload's own fields are offered.
  // Clicking the field's label puts the caret in its editor, as it does for a plain input.
  const url = page.getByTestId('field-url');
  await page.locator('label[for="field-url"]').click();
  // (A string, run in the page: this package's TypeScript knows no DOM.)
  await page.waitForFunction("document.activeElement?.id === 'field-url'");
  await page.keyboard.press('End');
  await page.keyboard.type('?city={{ trigger.body.c');
  await page.getByTestId('suggestion-trigger.body.city').click();
  assert.equal(await fieldValue(url), `${echo.url}/v1?city={{ trigger.body.city }}`);
  await page.getByTestId('expression-preview-url').filter({ hasText: '?city=Paris' }).waitFor();

  // Drag a field from the input data onto a header value: it lands as {{ path }}.
  await page.getByTestId('field-headers-add').click();
  await page.getByTestId('field-headers-key-0').fill('x-name');
  await page.getByTestId('data-field-trigger.body.name').dragTo(page.getByTestId('field-headers-value-0'));
  assert.equal(await fieldValue(page.getByTestId('field-headers-value-0')), '{{ trigger.body.name }}');

  // Test just this step with the sample data, and pin its output.
  await page.getByTestId('test-step-button').click();
  await page.locator('[data-testid="test-step-result"][data-status="succeeded"]').waitFor();
  const output = (await page.getByTestId('test-step-output').textContent()) ?? '';
  assert.match(output, /"name": "Ada"/);
  assert.match(output, /hello from the echo service/);
  const tested = echo.requests.at(-1);
  assert.equal(tested?.path, '/v1?city=Paris');
  await page.getByTestId('pin-sample-button').click();
  await page.getByTestId('pin-sample-button').filter({ hasText: 'Pinned' }).waitFor();
  mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: resolve(artifacts, 'data-mapping.png') });
});

test('publish twice, compare the versions, roll back, and re-run a run on the current version', async () => {
  await page.goto(`${product.baseUrl}/flows/${flowId}`);
  await page.getByTestId('publish-button').click();
  await page
    .getByTestId('editor-message')
    .filter({ hasText: /Published version 1/ })
    .waitFor();

  await page.getByTestId('node-call').click();
  await page.getByTestId('field-url').fill(`${echo.url}/v2`);
  await page.getByTestId('publish-button').click();
  await page
    .getByTestId('editor-message')
    .filter({ hasText: /Published version 2/ })
    .waitFor();

  await page.getByTestId('versions-button').click();
  await page.getByTestId('versions-panel').waitFor();
  await page.getByTestId('version-row-2').waitFor();
  await page.getByTestId('version-select-1').check();
  await page.getByTestId('version-select-2').check();
  const diff = page.getByTestId('version-diff');
  await diff.getByTestId('diff-node-changed-call').waitFor();
  const urlChange = (await diff.getByTestId('diff-field-config.url').textContent()) ?? '';
  assert.match(urlChange, /\/v1\?city=\{\{ trigger\.body\.city \}\}/);
  assert.match(urlChange, /\/v2/);

  await page.screenshot({ path: resolve(artifacts, 'version-diff.png') });
  await page.getByTestId('rollback-1').click();
  await page
    .getByTestId('versions-message')
    .filter({ hasText: /version 1 is live again as version 3/ })
    .waitFor();
  await page.getByTestId('version-row-3').waitFor();
  await page.getByTestId('versions-close').click();
  await page.getByTestId('node-call').click();
  assert.equal(await fieldValue(page.getByTestId('field-url')), `${echo.url}/v1?city={{ trigger.body.city }}`);

  // A webhook-less flow runs by hand on the published version; then re-run it from its run page on v3.
  const started = await product.api(`/api/flows/${flowId}/runs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ source: 'published', payload: { name: 'Bo', city: 'Oslo' } }),
  });
  const { runId } = (await started.json()) as { runId: string };
  await page.goto(`${product.baseUrl}/runs/${runId}`);
  await page.locator('[data-testid="run-node-call"][data-status="succeeded"]').waitFor();
  await page.getByTestId('rerun-button').click();
  await page.waitForURL((address) => address.pathname.startsWith('/runs/') && !address.pathname.endsWith(runId));
  await page.locator('[data-testid="run-node-call"][data-status="succeeded"]').waitFor();
  await page.getByText('v3 · manual').waitFor();
  assert.equal(echo.requests.at(-1)?.path, '/v1?city=Oslo');
});

test('a save based on a stale draft is refused with Reload / Overwrite choices', async () => {
  await page.goto(`${product.baseUrl}/flows/${flowId}`);
  await page.getByTestId('flow-name').fill('Mine');
  // Someone else saves first.
  const current = (await (await product.api(`/api/flows/${flowId}`)).json()) as { revision: number };
  const theirs = await product.api(`/api/flows/${flowId}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Theirs', revision: current.revision }),
  });
  assert.equal(theirs.status, 200);

  await page.getByTestId('save-button').click();
  await page.getByTestId('conflict-banner').waitFor();
  await page.getByTestId('conflict-reload').click();
  await page.getByTestId('conflict-banner').waitFor({ state: 'detached' });
  assert.equal(await page.getByTestId('flow-name').inputValue(), 'Theirs');

  await page.getByTestId('flow-name').fill('Mine again');
  await product.api(`/api/flows/${flowId}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Theirs again', revision: current.revision + 1 }),
  });
  await page.getByTestId('save-button').click();
  await page.getByTestId('conflict-overwrite').click();
  await page.getByTestId('save-state').filter({ hasText: 'All changes saved' }).waitFor();
  const saved = (await (await product.api(`/api/flows/${flowId}`)).json()) as { name: string };
  assert.equal(saved.name, 'Mine again');
});
