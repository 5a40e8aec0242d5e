/**
 * Issue 14 item 1 in Chromium: a builder changes a published flow's transform in the draft and tests the draft
 * against the flow's recent runs.  Every run differs (the transform's output before and after, side by side), and the
 * HTTP step is answered by what each run recorded: the target is not called again.  Then publishing is made to need
 * a passing test: the stale test no longer counts, a fresh one does.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { openBrowser } from './browser.ts';
import { type Product, runResult, signIn, startProduct } from './harness.ts';

let product: Product;
let browser: Browser;
let page: Page;
/** The HTTP step's target: answers 200 and counts what it was sent. */
let target: Server;
let targetUrl = '';
const received: unknown[] = [];

before(async () => {
  target = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
    });
    req.on('end', () => {
      received.push(body === '' ? null : (JSON.parse(body) as unknown));
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  await new Promise<void>((done) => target.listen(0, '127.0.0.1', done));
  targetUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}/orders`;
  product = await startProduct();
  ({ browser, page } = await openBrowser());
});

after(async () => {
  await browser?.close();
  await product?.stop();
  target?.closeAllConnections();
  await new Promise((done) => target?.close(done));
});

/** webhook → transform (`doubled` = amount × `factor`) → HTTP POST of the transform's output to the target. */
const orderFlow = (factor: number) => ({
  schemaVersion: 1,
  nodes: [
    { id: 'hook', type: 'core.webhook', typeVersion: 1, position: { x: 0, y: 0 }, config: { method: 'POST' } },
    {
      id: 'transform',
      type: 'core.transform',
      typeVersion: 1,
      position: { x: 260, y: 0 },
      config: {
        fields: [{ name: 'doubled', value: `{{ trigger.body.amount * ${factor} }}` }],
        keepInput: false,
        remove: [],
      },
    },
    {
      id: 'send',
      type: 'http.request',
      typeVersion: 1,
      position: { x: 520, y: 0 },
      config: { method: 'POST', url: targetUrl, body: '{{ steps.transform }}' },
      settings: { retry: { maxAttempts: 1 } },
    },
  ],
  edges: [
    { id: 'e1', source: 'hook', sourcePort: 'out', target: 'transform', targetPort: 'in' },
    { id: 'e2', source: 'transform', sourcePort: 'out', target: 'send', targetPort: 'in' },
  ],
});

async function deliver(webhookPath: string, amount: number): Promise<string> {
  const delivered = await fetch(`${product.baseUrl}${webhookPath}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ amount }),
  });
  assert.equal(delivered.status, 202, await delivered.clone().text());
  return ((await delivered.json()) as { runId: string }).runId;
}

/** Clicks Run in the open dialog and waits for that test (not an earlier one) to be done; returns its id. */
async function runDraftTest(): Promise<string> {
  const result = page.getByTestId('draft-test-result');
  const earlier = (await result.count()) > 0 ? await result.getAttribute('data-draft-test-id') : null;
  await page.getByTestId('draft-test-run').click();
  const newer = earlier === null ? '' : `:not([data-draft-test-id="${earlier}"])`;
  const done = page.locator(`[data-testid="draft-test-result"][data-status="done"]${newer}`);
  await done.waitFor({ timeout: 60_000 });
  const id = await done.getAttribute('data-draft-test-id');
  assert.ok(id !== null && id !== earlier, 'a new test ran');
  return id;
}

test('testing a changed draft against recent runs shows what differs per run, and calls nothing', async () => {
  const created = await product.api('/api/flows', {
    method: 'POST',
    body: JSON.stringify({ name: 'Order totals', document: orderFlow(2) }),
  });
  assert.equal(created.status, 201, await created.clone().text());
  const flow = (await created.json()) as { id: string; webhookPath: string };
  const published = await product.api(`/api/flows/${flow.id}/publish`, { method: 'POST' });
  assert.equal(published.status, 201, await published.clone().text());

  const amounts = new Map<string, number>();
  for (const amount of [10, 20, 30]) {
    // One after the other, so the target's calls come in this order.
    const runId = await deliver(flow.webhookPath, amount);
    await runResult(product.temporal, runId);
    amounts.set(runId, amount);
  }
  assert.equal(received.length, 3, 'each run called the target once');
  assert.deepEqual(
    received.map((body) => (typeof body === 'object' && body !== null ? Reflect.get(body, 'doubled') : body)),
    [...amounts.values()].map((amount) => amount * 2),
    'the target got each run’s transform output, in order',
  );

  // The draft now triples instead of doubling (saved through the API, as another builder would).
  const current = (await (await product.api(`/api/flows/${flow.id}`)).json()) as { revision: number };
  const saved = await product.api(`/api/flows/${flow.id}`, {
    method: 'PUT',
    body: JSON.stringify({ document: orderFlow(3), revision: current.revision }),
  });
  assert.equal(saved.status, 200, await saved.clone().text());

  await signIn(page, product);
  await page.goto(`${product.baseUrl}/flows/${encodeURIComponent(flow.id)}`);
  await page.getByTestId('draft-test-open').click();
  await page.getByTestId('draft-test').waitFor();
  assert.equal(await page.getByTestId('draft-test-count').inputValue(), '20');
  assert.equal(await page.getByTestId('draft-test-real-send').isChecked(), false, 'real calls are off by default');
  assert.equal(await page.getByTestId('draft-test-real-transform').count(), 0, 'a transform is not an I/O step');
  await runDraftTest();

  const summary = (await page.getByTestId('draft-test-summary').textContent()) ?? '';
  assert.match(summary, /^Passed/);
  assert.match(summary, /\b3 runs tested\b/);
  for (const runId of amounts.keys()) {
    await page.getByTestId(`draft-test-run-${runId}`).waitFor();
    assert.equal((await page.getByTestId(`draft-test-verdict-${runId}`).textContent())?.trim(), 'differs');
    assert.equal(
      await page.getByTestId(`draft-test-link-${runId}`).getAttribute('href'),
      `/runs/${encodeURIComponent(runId)}`,
    );
  }

  const [runId, amount] = [...amounts][0] ?? assert.fail('three runs');
  await page.getByTestId(`draft-test-expand-${runId}`).click();
  const diff = `draft-test-diff-${runId}-transform`;
  await page.getByTestId(diff).waitFor();
  assert.match((await page.getByTestId(`${diff}-change`).textContent()) ?? '', /output differs/);
  const shownOutput = async (side: 'before' | 'after') =>
    JSON.parse((await page.getByTestId(`${diff}-${side}-output`).textContent()) ?? 'null') as unknown;
  assert.deepEqual(await shownOutput('before'), { doubled: amount * 2 });
  assert.deepEqual(await shownOutput('after'), { doubled: amount * 3 });
  assert.equal(received.length, 3, 'the test called nothing: the HTTP step was answered by the recordings');

  // Picked runs are tested instead of the newest.
  await page.getByTestId('draft-test-pick').locator('summary').click();
  await page.getByTestId(`draft-test-pick-${runId}`).check();
  await runDraftTest();
  assert.match((await page.getByTestId('draft-test-summary').textContent()) ?? '', /\b1 run tested\b/);
  await page.getByTestId(`draft-test-run-${runId}`).waitFor();
  assert.equal(received.length, 3);

  // Publishing now needs a passing test; turning that on is an edit, so the test above no longer counts.
  await page.getByTestId('draft-test-require').check();
  await page.getByTestId('draft-test-close').click();
  await page.getByTestId('draft-test-open').filter({ hasText: 'required to publish' }).waitFor();
  await page.getByTestId('publish-button').click();
  await page.locator('[data-testid="editor-message"].error').filter({ hasText: /test/i }).waitFor();
  const versions = (await (await product.api(`/api/flows/${flow.id}/versions`)).json()) as { items: unknown[] };
  assert.equal(versions.items.length, 1, 'the refused publish made no version');

  await page.getByTestId('draft-test-open').click();
  await page.getByTestId('draft-test-stale').waitFor();
  assert.equal(await page.getByTestId('draft-test-require').isChecked(), true);
  await runDraftTest();
  assert.equal(await page.getByTestId('draft-test-stale').count(), 0, 'the new test is current');
  assert.match((await page.getByTestId('draft-test-summary').textContent()) ?? '', /^Passed/);
  await page.getByTestId('draft-test-close').click();
  await page.getByTestId('publish-button').click();
  await page
    .getByTestId('editor-message')
    .filter({ hasText: /Published version 2/ })
    .waitFor();
  assert.equal(received.length, 3, 'two tests, still no calls');
});
