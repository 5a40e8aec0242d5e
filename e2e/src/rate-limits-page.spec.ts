/**
 * The Rate limits page in Chromium: an admin sets a limit for a connector, a wrong row is refused naming what is
 * wrong, and what was saved is what the API (and so the workers) read, also after a reload.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { openBrowser } from './browser.ts';
import { type Product, signIn, startProduct } from './harness.ts';

/** What `GET /api/rate-limits` answers (the part this test reads). */
interface RateLimitsView {
  limits: Record<string, { count: number; per: string }>;
}

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

test('an admin sets http to 30 calls a minute; a wrong count is refused; the limit is kept', async () => {
  await signIn(page, product);
  await page.getByTestId('nav-rate-limits').click();
  await page.getByTestId('rate-limits-empty').waitFor();

  await page.getByTestId('rate-limit-add').click();
  assert.equal(await page.getByTestId('rate-limit-connector-0').inputValue(), 'http');
  await page.getByTestId('rate-limit-count-0').fill('0');
  await page.getByTestId('rate-limits-save').click();
  await page
    .getByTestId('rate-limits-problem')
    .filter({ hasText: /Row 1: Calls/ })
    .waitFor();
  const unchanged = (await (await product.api('/api/rate-limits')).json()) as RateLimitsView;
  assert.deepEqual(unchanged.limits, {}, 'nothing was saved');

  await page.getByTestId('rate-limit-count-0').fill('30');
  await page.getByTestId('rate-limit-per-0').selectOption('m');
  await page.getByTestId('rate-limits-save').click();
  await page.getByTestId('rate-limits-updated').waitFor();
  const saved = (await (await product.api('/api/rate-limits')).json()) as RateLimitsView;
  assert.deepEqual(saved.limits, { http: { count: 30, per: 'm' } });

  await page.reload();
  await page.getByTestId('rate-limit-row-0').waitFor();
  assert.equal(await page.getByTestId('rate-limit-connector-0').inputValue(), 'http');
  assert.equal(await page.getByTestId('rate-limit-count-0').inputValue(), '30');
  assert.equal(await page.getByTestId('rate-limit-per-0').inputValue(), 'm');
});

test("an admin lowers the workspace's fair share; raising it above 1 is refused naming the operators' setting", async () => {
  await page.getByTestId('nav-rate-limits').click();
  const weight = page.getByTestId('fair-share-weight');
  await weight.waitFor();
  assert.equal(await weight.inputValue(), '1');

  // The browser's own check: more than this admin may set.
  await weight.fill('3');
  await page.getByTestId('fair-share-save').click();
  await page
    .getByTestId('fair-share-error')
    .filter({ hasText: /Weight: a number from 0\.001 to 1/ })
    .waitFor();
  // The API's, for a caller that skips the page.
  const refused = await product.api('/api/fairness', { method: 'PUT', body: JSON.stringify({ weight: 3 }) });
  assert.equal(refused.status, 403);
  assert.match(await refused.text(), /PIPEWRIGHT_INSTANCE_ADMINS/);

  await weight.fill('0.5');
  await page.getByTestId('fair-share-save').click();
  await page.getByTestId('fair-share-updated').waitFor();
  const saved = (await (await product.api('/api/fairness')).json()) as { weight: number };
  assert.equal(saved.weight, 0.5);
  await page.reload();
  await page.getByTestId('fair-share-weight').waitFor();
  assert.equal(await page.getByTestId('fair-share-weight').inputValue(), '0.5');

  // The workspace's ceiling of runs waiting to start: only lower than the instance's (10,000 by default).
  const ceiling = page.getByTestId('waiting-ceiling-input');
  assert.equal(await ceiling.getAttribute('placeholder'), '10000', 'the instance ceiling shows until one is set');
  await ceiling.fill('20000');
  await page.getByTestId('waiting-ceiling-save').click();
  await page
    .getByTestId('waiting-ceiling-error')
    .filter({ hasText: /Ceiling: a whole number from 1 to 10000/ })
    .waitFor();
  await ceiling.fill('500');
  await page.getByTestId('waiting-ceiling-save').click();
  await page.getByTestId('waiting-ceiling-error').waitFor({ state: 'detached' });
  await page.reload();
  await page.getByTestId('waiting-ceiling-input').waitFor();
  assert.equal(await page.getByTestId('waiting-ceiling-input').inputValue(), '500', 'kept after a reload');
  assert.equal(((await (await product.api('/api/fairness')).json()) as { weight: number }).weight, 0.5);
});
