/**
 * Issue 12's alerts in Chromium: a builder adds a "run failed" rule with a webhook channel on the flow's alerts
 * page, sends a test alert, then a run of the flow fails its HTTP step and the alert arrives at the local endpoint —
 * once, and shown with its delivery outcome on the page.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { openBrowser } from './browser.ts';
import { type Product, runResult, signIn, startEchoService, startProduct } from './harness.ts';

let product: Product;
let echo: Awaited<ReturnType<typeof startEchoService>>;
let failing: Server;
let failingUrl = '';
let browser: Browser;
const artifacts = resolve(import.meta.dirname, '../artifacts');
let page: Page;

before(async () => {
  [product, echo] = await Promise.all([startProduct(), startEchoService()]);
  failing = createServer((_req, res) => {
    res.writeHead(500, { 'content-type': 'application/json' });
    res.end('{"error":"down"}');
  });
  await new Promise<void>((done) => failing.listen(0, '127.0.0.1', done));
  failingUrl = `http://127.0.0.1:${(failing.address() as AddressInfo).port}/orders`;
  ({ browser, page } = await openBrowser());
});

after(async () => {
  await browser?.close();
  await new Promise((done) => failing?.close(done));
  await echo?.close();
  await product?.stop();
});

/** manual trigger → HTTP POST to a service answering 500, tried once. */
const failingFlow = (url: string) => ({
  schemaVersion: 1 as const,
  nodes: [
    { id: 'start', type: 'core.manual', typeVersion: 1, position: { x: 0, y: 0 }, config: {} },
    {
      id: 'call',
      type: 'http.request',
      typeVersion: 1,
      position: { x: 260, y: 0 },
      config: { method: 'POST', url, body: { order: 42 } },
      settings: { retry: { maxAttempts: 1, initialIntervalMs: 100, backoffCoefficient: 1, maxIntervalMs: 100 } },
    },
  ],
  edges: [{ id: 'e1', source: 'start', sourcePort: 'out', target: 'call', targetPort: 'in' }],
});

/** The alerts the webhook endpoint received: whether each was a test, and what it said. */
const alertPosts = () =>
  echo.requests
    .filter((request) => request.path === '/alert')
    .map(({ body }) => {
      assert.ok(typeof body === 'object' && body !== null, 'an alert is a JSON object');
      return { test: Reflect.get(body, 'test'), summary: String(Reflect.get(body, 'summary')) };
    });

test('a builder sets up a run_failed alert, tests it, and a failing run delivers it once', async () => {
  const created = await product.api('/api/flows', {
    method: 'POST',
    body: JSON.stringify({ name: 'Orders sync', document: failingFlow(failingUrl) }),
  });
  assert.equal(created.status, 201, await created.clone().text());
  const { id } = (await created.json()) as { id: string };
  const published = await product.api(`/api/flows/${id}/publish`, { method: 'POST' });
  assert.equal(published.status, 201, await published.clone().text());

  await signIn(page, product);
  await page.goto(`${product.baseUrl}/flows/${encodeURIComponent(id)}`);
  await page.getByTestId('alerts-link').click();
  await page.getByTestId('alerts-page').waitFor();
  await page.getByTestId('alert-new').click();
  await page.getByTestId('alert-name').fill('Orders failing');
  await page.getByTestId('alert-kind').selectOption('run_failed');
  await page.getByTestId('alert-channel-0-remove').click();
  await page.getByTestId('alert-add-webhook').click();
  await page.getByTestId('alert-channel-0-url').fill(`${echo.url}/alert`);
  mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: resolve(artifacts, 'alert-rule-form.png'), fullPage: true });
  await page.getByTestId('alert-save').click();
  const row = page.locator('[data-testid^="alert-rule-alr_"]');
  await row.waitFor();
  assert.equal(await row.getAttribute('data-status'), 'ok');

  await row.getByTestId('alert-test').click();
  await page.locator('[data-testid="alert-delivery"][data-status="sent"]').first().waitFor();
  assert.equal(alertPosts().length, 1);
  assert.equal(alertPosts()[0]?.test, true);

  const started = await product.api(`/api/flows/${id}/runs`, {
    method: 'POST',
    body: JSON.stringify({ source: 'published' }),
  });
  assert.equal(started.status, 202, await started.clone().text());
  const { runId } = (await started.json()) as { runId: string };
  await assert.rejects(runResult(product.temporal, runId), 'the run fails its HTTP step');

  // The server evaluates the rule within a couple of seconds; the page polls its events.
  await page.locator('[data-testid="alert-delivery"][data-status="sent"]').nth(1).waitFor({ timeout: 30_000 });
  await page.locator('[data-testid^="alert-rule-alr_"][data-status="firing"]').waitFor({ timeout: 30_000 });
  const fired = alertPosts();
  assert.equal(fired.length, 2, 'the test alert and one real alert');
  assert.equal(fired[1]?.test, false);
  assert.match(fired[1]?.summary ?? '', /A run of "Orders sync" failed/);
  assert.match(fired[1]?.summary ?? '', /answered 500/);

  await page.screenshot({ path: resolve(artifacts, 'alerts.png'), fullPage: true });
});
