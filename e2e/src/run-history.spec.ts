/**
 * Run history in Chromium: a step whose API answers 500 twice, then 200, lists its three attempts with when, how
 * long and why; the History tab reads the run's Temporal events in words.
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
/** An API that fails its first two calls with 500, then answers 200. */
let flaky: Server;
let flakyUrl = '';
let calls = 0;

before(async () => {
  flaky = createServer((req, res) => {
    req.resume();
    calls++;
    const failing = calls <= 2;
    res.writeHead(failing ? 500 : 200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(failing ? { error: 'overloaded' } : { ok: true }));
  });
  await new Promise<void>((done) => flaky.listen(0, '127.0.0.1', done));
  flakyUrl = `http://127.0.0.1:${(flaky.address() as AddressInfo).port}/orders`;
  product = await startProduct();
  ({ browser, page } = await openBrowser());
});

after(async () => {
  await browser?.close();
  await product?.stop();
  flaky?.closeAllConnections();
  await new Promise((done) => flaky?.close(done));
});

async function json<T>(path: string, init: RequestInit = {}): Promise<T> {
  const response = await product.api(path, init);
  assert.ok(response.ok, `${init.method ?? 'GET'} ${path} → ${response.status} ${await response.clone().text()}`);
  return (await response.json()) as T;
}

test('a step that failed twice shows its three attempts and the run’s history in words', async () => {
  const document = {
    schemaVersion: 1,
    nodes: [
      { id: 'start', type: 'core.manual', typeVersion: 1, position: { x: 0, y: 0 }, config: {} },
      {
        id: 'call',
        type: 'http.request',
        typeVersion: 1,
        position: { x: 280, y: 0 },
        config: { method: 'POST', url: flakyUrl, body: { order: 1 } },
        settings: { retry: { maxAttempts: 3, initialIntervalMs: 50, backoffCoefficient: 1, maxIntervalMs: 50 } },
      },
    ],
    edges: [{ id: 'e1', source: 'start', target: 'call' }],
  };
  const flow = await json<{ id: string }>('/api/flows', {
    method: 'POST',
    body: JSON.stringify({ name: 'Flaky orders', document }),
  });
  await json(`/api/flows/${flow.id}/publish`, { method: 'POST' });
  const { runId } = await json<{ runId: string }>(`/api/flows/${flow.id}/runs`, {
    method: 'POST',
    body: JSON.stringify({ source: 'published', payload: {} }),
  });
  await runResult(product.temporal, runId);

  await signIn(page, product);
  await page.goto(`${product.baseUrl}/runs/${encodeURIComponent(runId)}`);
  await page.getByTestId('run-view').waitFor();
  await page.getByTestId('run-node-call').click();
  await page.getByTestId('node-attempt-list').waitFor();
  const attempts = page.getByTestId('node-attempt-list').locator('li');
  assert.equal(await attempts.count(), 3);
  const message = `POST ${flakyUrl} answered 500`;
  for (const n of [1, 2]) {
    const row = page.getByTestId(`node-attempt-${n}`);
    assert.equal(await row.getAttribute('data-outcome'), 'failed');
    assert.ok(((await row.getByTestId('node-attempt-error').textContent()) ?? '').includes(message));
    assert.match((await row.textContent()) ?? '', /\d{2}:\d{2}:\d{2}\.\d{3} · [\d.]+ (ms|s)/, 'when and how long');
  }
  const last = page.getByTestId('node-attempt-3');
  assert.equal(await last.getAttribute('data-outcome'), 'succeeded');
  assert.match((await last.textContent()) ?? '', /[\d.]+ (ms|s)/);

  await page.getByTestId('run-tab-history').click();
  await page.getByTestId('run-history').waitFor();
  const rows = page.getByTestId('run-history-row');
  const texts = await rows.allTextContents();
  assert.ok(texts[0]?.includes('Run started'), texts.join('\n'));
  assert.ok(
    texts.some((text) => text.includes(`Step call ran locally (attempt 1) and failed: ${message}`)),
    texts.join('\n'),
  );
  assert.ok(
    texts.some((text) => text.includes(`Step call started (attempt 3) after attempt 2 failed: ${message}`)),
    texts.join('\n'),
  );
  assert.ok(texts.some((text) => text.includes('Timer 50 ms started')));
  assert.ok(texts.at(-1)?.includes('Run completed'), texts.join('\n'));
  assert.equal(await page.locator('tr.run-history-failed').count(), 1, 'the failed local attempt stands out');

  await page.getByTestId('run-tab-steps').click();
  await page.getByTestId('node-attempt-list').waitFor();
});
