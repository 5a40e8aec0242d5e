/**
 * Accessibility in Chromium: axe-core checks the main pages — sign-in, flows, the editor with a step selected, runs,
 * a run, credentials, members, health, failures, approvals, rate limits — and open dialogs, menus and tabs.  A page
 * passes with no violation of impact `serious` or `critical`; a failure lists each one with the elements it names.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { openBrowser, selectNode } from './browser.ts';
import { type Product, runResult, signIn, startProduct } from './harness.ts';

const AXE_SCRIPT = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const BLOCKING_IMPACTS = new Set(['serious', 'critical']);

let product: Product;
let browser: Browser;
let page: Page;
let flowId = '';
let runId = '';

interface Violation {
  id: string;
  impact: string;
  help: string;
  targets: string[];
}

/** The shape the page-side script below returns, checked rather than assumed. */
function isViolationList(value: unknown): value is Violation[] {
  return (
    Array.isArray(value) &&
    value.every(
      (entry: unknown) =>
        typeof entry === 'object' &&
        entry !== null &&
        'id' in entry &&
        typeof entry.id === 'string' &&
        'impact' in entry &&
        typeof entry.impact === 'string' &&
        'targets' in entry &&
        Array.isArray(entry.targets),
    )
  );
}

/** Runs axe on the page as it is now (injecting it once per document) and fails on serious or critical findings. */
async function expectNoSeriousViolations(where: string): Promise<void> {
  if (!(await page.evaluate('typeof window.axe === "object"'))) await page.addScriptTag({ path: AXE_SCRIPT });
  // A string, run in the page: this package's TypeScript knows no DOM.
  const found: unknown = await page.evaluate(`axe.run(document, { resultTypes: ['violations'] }).then((results) =>
    results.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact ?? 'unknown',
      help: violation.help,
      targets: violation.nodes.map((node) =>
        [node.target.join(' '), (node.failureSummary ?? '').split('\\n')[1]?.trim()].filter(Boolean).join(' — ')),
    })))`);
  assert.ok(isViolationList(found), `axe answered something unexpected on ${where}: ${JSON.stringify(found)}`);
  const blocking = found.filter((violation) => BLOCKING_IMPACTS.has(violation.impact));
  const report = blocking.map(
    (violation) =>
      `- ${violation.id} (${violation.impact}): ${violation.help}\n    ${violation.targets.join('\n    ')}`,
  );
  assert.equal(blocking.length, 0, `${where}: ${blocking.length} serious or critical violations\n${report.join('\n')}`);
}

async function json<T>(path: string, init: RequestInit = {}): Promise<T> {
  const response = await product.api(path, init);
  assert.ok(response.ok, `${init.method ?? 'GET'} ${path} → ${response.status} ${await response.clone().text()}`);
  return (await response.json()) as T;
}

before(async () => {
  product = await startProduct();
  ({ browser, page } = await openBrowser());
  const document = {
    schemaVersion: 1,
    nodes: [
      { id: 'start', type: 'core.manual', typeVersion: 1, position: { x: 0, y: 0 }, config: {} },
      {
        id: 'shape',
        type: 'core.transform',
        typeVersion: 1,
        position: { x: 280, y: 0 },
        config: { fields: [{ name: 'greeting', value: '{{ "hello" }}' }], keepInput: false, remove: [] },
      },
    ],
    edges: [{ id: 'e1', source: 'start', sourcePort: 'out', target: 'shape', targetPort: 'in' }],
  };
  ({ id: flowId } = await json<{ id: string }>('/api/flows', {
    method: 'POST',
    body: JSON.stringify({ name: 'Greeting', document }),
  }));
  await json(`/api/flows/${flowId}/publish`, { method: 'POST' });
  ({ runId } = await json<{ runId: string }>(`/api/flows/${flowId}/runs`, {
    method: 'POST',
    body: JSON.stringify({ source: 'published', payload: {} }),
  }));
  await runResult(product.temporal, runId);
});

after(async () => {
  await browser?.close();
  await product?.stop();
});

test('sign-in page', async () => {
  await page.goto(`${product.baseUrl}/login`);
  await page.getByTestId('login-page').waitFor();
  await expectNoSeriousViolations('the sign-in page');
});

test('flows list, and its Import from n8n dialog', async () => {
  await signIn(page, product);
  await page.getByTestId(`flow-row-${flowId}`).waitFor();
  await expectNoSeriousViolations('the flows list');

  await page.getByTestId('import-n8n-button').click();
  await page.getByTestId('import-n8n-dialog').waitFor();
  await expectNoSeriousViolations('the Import from n8n dialog');
  await page.keyboard.press('Escape');
  await page.getByTestId('import-n8n-dialog').waitFor({ state: 'detached' });
});

test('editor with a step selected, its align menu and its shortcuts dialog', async () => {
  await page.goto(`${product.baseUrl}/flows/${flowId}`);
  await page.getByTestId('node-shape').waitFor();
  await selectNode(page, 'shape');
  await page.getByTestId('inspector').waitFor();
  await expectNoSeriousViolations('the editor with the inspector open');

  await page.getByTestId('node-start').click({ modifiers: ['Control'] });
  await page.getByTestId('align-button').click();
  await page.getByRole('menu').waitFor();
  await expectNoSeriousViolations('the editor’s align menu');
  await page.keyboard.press('Escape');
  await page.getByRole('menu').waitFor({ state: 'detached' });

  await page.getByTestId('shortcuts-button').click();
  await page.getByTestId('shortcuts-help').waitFor();
  await expectNoSeriousViolations('the keyboard shortcuts dialog');
  await page.keyboard.press('Escape');
  await page.getByTestId('shortcuts-help').waitFor({ state: 'detached' });
});

test('runs list and a run page with its history tab', async () => {
  await page.goto(`${product.baseUrl}/runs`);
  await page.getByTestId(`run-row-${runId}`).waitFor();
  await expectNoSeriousViolations('the runs list');

  await page.goto(`${product.baseUrl}/runs/${encodeURIComponent(runId)}`);
  await page.locator('[data-testid="run-view"][data-run-status="succeeded"]').waitFor();
  await page.getByTestId('run-node-shape').waitFor();
  await expectNoSeriousViolations('the run page');
  await page.getByTestId('run-tab-history').click();
  await page.getByTestId('run-history').waitFor();
  await expectNoSeriousViolations('the run page’s History tab');
});

/** Pages that need no setup beyond the signed-in admin: where each is, and the element that says it has loaded. */
const SIMPLE_PAGES: { name: string; path: string; ready: string }[] = [
  { name: 'the credentials page', path: '/credentials', ready: 'credentials-page' },
  { name: 'the members page', path: '/settings/members', ready: 'member-row-admin@example.test' },
  { name: 'the health page', path: '/health', ready: 'health-flows' },
  { name: 'the failures page', path: '/failures', ready: 'failure-groups' },
  { name: 'the approvals page', path: '/approvals', ready: 'approvals-empty' },
  { name: 'the rate limits page', path: '/settings/rate-limits', ready: 'rate-limits-page' },
];

for (const { name, path, ready } of SIMPLE_PAGES) {
  test(name, async () => {
    await page.goto(`${product.baseUrl}${path}`);
    await page.getByTestId(ready).waitFor();
    await expectNoSeriousViolations(name);
  });
}
