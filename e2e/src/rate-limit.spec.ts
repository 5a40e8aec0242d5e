/**
 * Issue 4's rate limit, seen in the browser: with http limited to 1 request/s per workspace, a flow with three
 * parallel HTTP calls still succeeds, and the run view says how long the later calls waited for the limit.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { openBrowser } from './browser.ts';
import { type Product, signIn, startEchoService, startProduct } from './harness.ts';

let product: Product;
let echo: Awaited<ReturnType<typeof startEchoService>>;
let browser: Browser;
let page: Page;

before(async () => {
  [product, echo] = await Promise.all([
    startProduct({ rateLimits: { http: { count: 1, per: 's' } } }),
    startEchoService(),
  ]);
  ({ browser, page } = await openBrowser());
});

after(async () => {
  await browser?.close();
  await echo?.close();
  await product?.stop();
});

const calls = ['call_a', 'call_b', 'call_c'];

/** What the run view says about a wait of `ms` (nothing when the call did not wait). */
const waitText = (ms: number | undefined): string =>
  ms === undefined || ms <= 0
    ? ''
    : `Waited ${ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`} for the http rate limit`;

test('parallel HTTP calls over the workspace limit: the run view shows the wait of those that queued', async () => {
  const document = {
    schemaVersion: 1,
    nodes: [
      { id: 'manual', type: 'core.manual', typeVersion: 1, position: { x: 0, y: 0 }, config: {} },
      ...calls.map((id, index) => ({
        id,
        type: 'http.request',
        typeVersion: 1,
        position: { x: 300, y: index * 160 },
        config: { method: 'GET', url: `${echo.url}/${id}`, headers: {}, query: {}, responseFormat: 'auto' },
      })),
    ],
    edges: calls.map((id) => ({ id: `e_${id}`, source: 'manual', sourcePort: 'out', target: id, targetPort: 'in' })),
  };
  const created = await product.api('/api/flows', {
    method: 'POST',
    body: JSON.stringify({ name: 'Rate limited', document }),
  });
  assert.equal(created.status, 201, await created.clone().text());
  const { id: flowId } = (await created.json()) as { id: string };
  const started = await product.api(`/api/flows/${flowId}/runs`, { method: 'POST', body: JSON.stringify({}) });
  assert.equal(started.status, 202, await started.clone().text());
  const { runId } = (await started.json()) as { runId: string };

  await signIn(page, product);
  await page.goto(`${product.baseUrl}/runs/${runId}`);
  await page.locator('[data-testid="run-view"][data-run-status="succeeded"]').waitFor();
  const shown: string[] = [];
  for (const id of calls) {
    await page.getByTestId(`run-node-${id}`).click();
    await page.getByTestId('node-run-detail').getByText(id).first().waitFor();
    const line = page.getByTestId('node-rate-limit-wait');
    shown.push((await line.count()) > 0 ? ((await line.textContent()) ?? '') : '');
  }
  // The run view shows, for each call, exactly the wait the run recorded.
  const detail = (await (await product.api(`/api/runs/${runId}`)).json()) as {
    nodes: Record<string, { rateLimitWaitMs?: number }>;
  };
  const recorded = calls.map((id) => detail.nodes[id]?.rateLimitWaitMs);
  assert.deepEqual(shown, recorded.map(waitText), `recorded waits: ${JSON.stringify(recorded)}`);
  // One token per second, burst 1: the three calls were scheduled together, so the later ones queued (none queues
  // only if the worker itself took the tokens a second apart).
  assert.ok(
    shown.some((text) => text !== ''),
    `waits shown: ${JSON.stringify(shown)}`,
  );
  assert.equal(echo.requests.length, 3);
});
