/**
 * Approvals in Chromium: a run waits at a Wait in mode approval; the approver sees it on the Approvals page (with a
 * count in the nav), rejects it with a comment, it leaves the list, and the run finishes on its Rejected path with
 * the decision and the comment as the Wait's output.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { fieldValue, openBrowser, selectNode } from './browser.ts';
import { type Product, signIn, startProduct } from './harness.ts';

let product: Product;
let browser: Browser;
let page: Page;

before(async () => {
  product = await startProduct();
  ({ browser, page } = await openBrowser());
});

after(async () => {
  await browser?.close();
  await product?.stop();
});

const node = (id: string, type: string, x: number, config: Record<string, unknown> = {}) => ({
  id,
  type,
  typeVersion: 1,
  position: { x, y: 0 },
  config,
});

test('the approver rejects a waiting run with a comment; the run takes its Rejected path', async () => {
  const document = {
    schemaVersion: 1,
    nodes: [
      node('start', 'core.manual', 0),
      node('ask', 'core.wait', 280, {
        mode: 'approval',
        approvers: 'admin',
        title: 'Ship order {{ trigger.body.order }}?',
        message: 'To {{ trigger.body.city }}',
        timeoutSeconds: 3600,
      }),
      node('shipped', 'core.transform', 560, { fields: [{ name: 'state', value: 'shipped' }] }),
      node('held', 'core.transform', 560, { fields: [{ name: 'state', value: '{{ "held: " & steps.ask.comment }}' }] }),
    ],
    edges: [
      { id: 'e1', source: 'start', target: 'ask' },
      { id: 'e2', source: 'ask', sourcePort: 'approved', target: 'shipped' },
      { id: 'e3', source: 'ask', sourcePort: 'rejected', target: 'held' },
    ],
  };
  const created = await product.api('/api/flows', {
    method: 'POST',
    body: JSON.stringify({ name: 'Shipping', document }),
  });
  assert.equal(created.status, 201);
  const flow = (await created.json()) as { id: string };
  assert.equal((await product.api(`/api/flows/${flow.id}/publish`, { method: 'POST' })).status, 201);

  await signIn(page, product);
  // The builder sets who approves in the Wait's form.
  await page.goto(`${product.baseUrl}/flows/${encodeURIComponent(flow.id)}`);
  await page.getByTestId('node-ask').waitFor();
  await selectNode(page, 'ask');
  assert.equal(await fieldValue(page.getByTestId('field-approvers')), 'admin');
  await page.getByTestId('field-timeoutSeconds').waitFor();

  const started = await product.api(`/api/flows/${flow.id}/runs`, {
    method: 'POST',
    body: JSON.stringify({ source: 'published', payload: { order: 'A-42', city: 'Lyon' } }),
  });
  assert.equal(started.status, 202);
  const { runId } = (await started.json()) as { runId: string };
  // The worker lists the approval once the run reaches the Wait; the page reads the list when it opens (and every
  // 15 s after), so open it once the approval is there rather than racing the run.
  await untilListed(runId);

  await page.getByTestId('nav-approvals').click();
  const item = page.getByTestId(`approval-${runId}-ask`);
  await item.waitFor();
  assert.match((await item.textContent()) ?? '', /Ship order A-42\?.*To Lyon.*Shipping/s);
  await page.getByTestId('approvals-count').filter({ hasText: /^1$/ }).waitFor();

  await page.getByTestId(`approval-${runId}-ask-comment`).fill('address is incomplete');
  await page.getByTestId(`approval-${runId}-ask-reject`).click();
  await item.waitFor({ state: 'detached' });
  await page.getByTestId('approvals-empty').waitFor();

  await page.goto(`${product.baseUrl}/runs/${encodeURIComponent(runId)}`);
  await page.locator('[data-testid="run-view"][data-run-status="succeeded"]').waitFor();
  await page.locator('[data-testid="run-node-held"][data-status="succeeded"]').waitFor();
  await page.locator('[data-testid="run-node-shipped"][data-status="skipped"]').waitFor();
  await page.getByTestId('run-node-ask').click();
  const output = (await page.getByTestId('node-output').textContent()) ?? '';
  assert.match(output, /"decision":\s*"rejected"/);
  assert.match(output, /address is incomplete/);
  assert.match(output, /admin@example\.test/);
});

async function untilListed(runId: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const answer = await product.api('/api/approvals');
    const { approvals } = (await answer.json()) as { approvals: { runId: string }[] };
    if (approvals.some((approval) => approval.runId === runId)) return;
    if (Date.now() > deadline) assert.fail(`run ${runId} never waited for approval`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
