/**
 * The schedule inspector in Chromium: an unpublished schedule shows when it would fire, the times it shows are the
 * ones Temporal lists once the flow is published, and a cron Temporal would refuse says why as it is typed.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { openBrowser, selectNode } from './browser.ts';
import { type Product, signIn, startProduct } from './harness.ts';

let product: Product;
let browser: Browser;
let page: Page;
let flowId: string | undefined;

before(async () => {
  product = await startProduct();
  ({ browser, page } = await openBrowser());
});

after(async () => {
  // A deleted flow's Temporal Schedule goes with it: none outlives the test.
  if (flowId) await product?.api(`/api/flows/${flowId}`, { method: 'DELETE' });
  await browser?.close();
  await product?.stop();
});

/** The ISO times a list shows, in order. */
const timesIn = (page: Page, testId: string): Promise<string[]> =>
  page
    .getByTestId(testId)
    .locator('time')
    .evaluateAll((elements) => elements.map((element) => element.getAttribute('datetime') ?? ''));

test('an unpublished schedule shows its next fire times; published, Temporal lists the same', async () => {
  const document = {
    schemaVersion: 1,
    nodes: [
      {
        id: 'every_weekday',
        type: 'core.schedule',
        typeVersion: 1,
        position: { x: 0, y: 0 },
        config: { mode: 'cron', cron: '30 9 * * MON-FRI', timezone: 'Europe/Berlin' },
      },
      { id: 'shape', type: 'core.transform', typeVersion: 1, position: { x: 280, y: 0 }, config: { fields: [] } },
    ],
    edges: [{ id: 'e1', source: 'every_weekday', target: 'shape' }],
  };
  const created = await product.api('/api/flows', {
    method: 'POST',
    body: JSON.stringify({ name: 'Weekday mornings', document }),
  });
  assert.equal(created.status, 201, await created.clone().text());
  flowId = ((await created.json()) as { id: string }).id;

  await signIn(page, product);
  await page.goto(`${product.baseUrl}/flows/${encodeURIComponent(flowId)}`);
  await selectNode(page, 'every_weekday');
  const section = page.getByTestId('schedule-next-runs');
  await section.locator('[data-testid="schedule-draft-runs"] time').nth(4).waitFor();
  await section.getByText('Publish the flow to start its schedule.').waitFor();
  const drawn = await timesIn(page, 'schedule-draft-runs');
  assert.equal(drawn.length, 5);
  for (const iso of drawn) {
    const local = new Date(iso).toLocaleString('en-GB', {
      timeZone: 'Europe/Berlin',
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
    });
    assert.match(local, /^(Mon|Tue|Wed|Thu|Fri),? 09:30$/, `${iso} is a weekday at 09:30 in Berlin (${local})`);
  }

  const published = await product.api(`/api/flows/${flowId}/publish`, { method: 'POST', body: '{}' });
  assert.equal(published.status, 201, await published.clone().text());
  await page.reload();
  await selectNode(page, 'every_weekday');
  await page
    .locator('[data-testid="schedule-next-runs"][data-state="active"] ol')
    .last()
    .locator('time')
    .nth(4)
    .waitFor();
  const fromTemporal = await page
    .locator('[data-testid="schedule-next-runs"] > ol time')
    .evaluateAll((elements) => elements.map((element) => element.getAttribute('datetime') ?? ''));
  const drawnNow = await timesIn(page, 'schedule-draft-runs');
  assert.deepEqual(
    fromTemporal.map((iso) => new Date(iso).toISOString()),
    drawnNow,
    'the times shown before publishing are the times Temporal fires',
  );

  await page.getByTestId('field-cron').fill('30 9 * *');
  await page
    .locator('[data-testid="schedule-draft-runs"][data-ok="false"]')
    .filter({ hasText: 'needs 5 fields' })
    .waitFor();
});
