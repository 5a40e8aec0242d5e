/**
 * Issue 14 item 2 in Chromium: a builder rolls a new version of a published flow out to half of new runs, beside the
 * current one.  Both versions run some of 40 deliveries; the comparison counts them; promoting makes the new version
 * the flow's.  A second rollout is rolled back: the promoted version runs everything again.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { waitFor } from '@pipewright/devstack';
import type { RunState } from '@pipewright/run-contract';
import type { Browser, Page } from 'playwright-core';
import { openBrowser } from './browser.ts';
import { type Product, runResult, signIn, startProduct } from './harness.ts';

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

/** webhook → transform whose output names the version it was published as (`v`). */
const versionedFlow = (v: number) => ({
  schemaVersion: 1,
  nodes: [
    { id: 'hook', type: 'core.webhook', typeVersion: 1, position: { x: 0, y: 0 }, config: { method: 'POST' } },
    {
      id: 'transform',
      type: 'core.transform',
      typeVersion: 1,
      position: { x: 260, y: 0 },
      config: { fields: [{ name: 'v', value: `{{ ${v} }}` }], keepInput: false, remove: [] },
    },
  ],
  edges: [{ id: 'e1', source: 'hook', sourcePort: 'out', target: 'transform', targetPort: 'in' }],
});

interface Flow {
  id: string;
  webhookPath: string;
}

async function saveDraft(flowId: string, v: number): Promise<void> {
  const current = (await (await product.api(`/api/flows/${flowId}`)).json()) as { revision: number };
  const saved = await product.api(`/api/flows/${flowId}`, {
    method: 'PUT',
    body: JSON.stringify({ document: versionedFlow(v), revision: current.revision }),
  });
  assert.equal(saved.status, 200, await saved.clone().text());
}

async function deliver(flow: Flow, index: number): Promise<string> {
  const delivered = await fetch(`${product.baseUrl}${flow.webhookPath}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ index }),
  });
  assert.equal(delivered.status, 202, await delivered.clone().text());
  return ((await delivered.json()) as { runId: string }).runId;
}

/** The version a run ran, read from its final state; its transform's output must say the same. */
async function versionRun(runId: string): Promise<number> {
  const state = (await runResult(product.temporal, runId)) as RunState;
  assert.equal(state.status, 'succeeded', `run ${runId}: ${JSON.stringify(state.error)}`);
  const output = state.nodes.transform?.output;
  const v = Number(typeof output === 'object' && output !== null ? Reflect.get(output, 'v') : Number.NaN);
  assert.equal(v, state.version, `run ${runId}: the transform's output names the version that ran`);
  return v;
}

/** Delivers `count` webhooks, four at a time, waits for every run to end, and counts the runs per version. */
async function deliverAndCount(flow: Flow, count: number): Promise<Map<number, number>> {
  const perVersion = new Map<number, number>();
  for (let first = 0; first < count; first += 4) {
    const batch = Array.from({ length: Math.min(4, count - first) }, (_, offset) => first + offset);
    const versions = await Promise.all(batch.map(async (index) => versionRun(await deliver(flow, index))));
    for (const version of versions) perVersion.set(version, (perVersion.get(version) ?? 0) + 1);
  }
  return perVersion;
}

/** Opens "Roll out…", enters the share and starts; waits for the panel to show the new version on it. */
async function startRollout(version: number, percent: number): Promise<void> {
  const open = page.getByTestId('rollout-open');
  await waitFor('"Roll out…" to be enabled', async () => ((await open.isEnabled()) ? true : undefined));
  await open.click();
  await page.getByTestId('rollout-dialog').waitFor();
  await page.getByTestId('rollout-percent').fill(String(percent));
  await page.getByTestId('rollout-start').click();
  await page.getByTestId('rollout-dialog').waitFor({ state: 'detached' });
  await page
    .getByTestId('rollout-panel')
    .filter({ hasText: `Version ${version} on ${percent} % of new runs` })
    .waitFor();
  assert.equal(await open.isDisabled(), true, 'one rollout at a time');
}

/** Promote or roll back through the panel and its confirmation; waits for the message and for the panel to go. */
async function decide(button: 'rollout-promote' | 'rollout-rollback', message: string): Promise<void> {
  await page.getByTestId(button).click();
  await page.getByTestId('rollout-confirm').waitFor();
  await page.getByTestId('rollout-confirm-ok').click();
  await page.getByTestId('editor-message').filter({ hasText: message }).waitFor();
  await page.getByTestId('rollout-panel').waitFor({ state: 'detached' });
}

const runsShown = async (role: 'stable' | 'candidate') =>
  Number(
    (await page
      .getByTestId(`rollout-${role}-runs`)
      .textContent({ timeout: 1_000 })
      .catch(() => null)) ?? 'NaN',
  );

test('a new version rolled out to half of new runs runs beside the current one, then is promoted', async () => {
  const created = await product.api('/api/flows', {
    method: 'POST',
    body: JSON.stringify({ name: 'Versioned', document: versionedFlow(1) }),
  });
  assert.equal(created.status, 201, await created.clone().text());
  const flow = (await created.json()) as Flow;

  // Nothing to roll out beside before a first publish.
  const early = await product.api(`/api/flows/${flow.id}/publish`, {
    method: 'POST',
    body: JSON.stringify({ rollout: { percent: 50 } }),
  });
  assert.equal(early.status, 409, await early.clone().text());
  assert.equal(((await early.json()) as { error: { code: string } }).error.code, 'not_published');

  await signIn(page, product);
  await page.goto(`${product.baseUrl}/flows/${encodeURIComponent(flow.id)}`);
  await page.getByTestId('rollout-open').waitFor();
  assert.equal(
    await page.getByTestId('rollout-open').isDisabled(),
    true,
    'never published: nothing to roll out beside',
  );

  const published = await product.api(`/api/flows/${flow.id}/publish`, { method: 'POST' });
  assert.equal(published.status, 201, await published.clone().text());
  await saveDraft(flow.id, 2);
  // The editor shows the draft it opened with: reload it to open the new draft with its published version.
  await page.reload();

  // The share is validated before anything is sent.
  await page.getByTestId('rollout-open').click();
  await page.getByTestId('rollout-dialog').waitFor();
  assert.equal(await page.getByTestId('rollout-percent').inputValue(), '10', 'a rollout starts small by default');
  await page.getByTestId('rollout-percent').fill('100');
  assert.match((await page.getByTestId('rollout-percent-problem').textContent()) ?? '', /Percent of new runs/);
  assert.equal(await page.getByTestId('rollout-start').isDisabled(), true);
  await page.getByTestId('rollout-cancel').click();

  await startRollout(2, 50);
  const flowNow = (await (await product.api(`/api/flows/${flow.id}`)).json()) as {
    latestVersion: number;
    rollout?: { version: number; percent: number };
  };
  assert.equal(flowNow.latestVersion, 1, 'the current version stays the flow’s version during the rollout');
  assert.deepEqual(
    { version: flowNow.rollout?.version, percent: flowNow.rollout?.percent },
    { version: 2, percent: 50 },
  );
  const second = await product.api(`/api/flows/${flow.id}/publish`, { method: 'POST' });
  assert.equal(second.status, 409, 'no plain publish during a rollout');
  assert.equal(((await second.json()) as { error: { code: string } }).error.code, 'rollout_in_progress');

  const perVersion = await deliverAndCount(flow, 40);
  const [v1, v2] = [perVersion.get(1) ?? 0, perVersion.get(2) ?? 0];
  assert.ok(v1 > 0 && v2 > 0, `both versions ran some runs: ${JSON.stringify([...perVersion])}`);
  assert.equal(v1 + v2, 40, `only versions 1 and 2 ran: ${JSON.stringify([...perVersion])}`);

  // The comparison counts from Temporal's visibility, which may lag a moment behind the runs' ends.
  await page.getByTestId('rollout-comparison').waitFor();
  assert.match((await page.getByTestId('rollout-row-stable').textContent()) ?? '', /Version 1/);
  assert.match((await page.getByTestId('rollout-row-candidate').textContent()) ?? '', /Version 2/);
  const shown = await waitFor(
    () => `the comparison to count at least ${v1} runs of version 1 and ${v2} of version 2`,
    async () => {
      const [stable, candidate] = [await runsShown('stable'), await runsShown('candidate')];
      return stable >= v1 && candidate >= v2 ? { stable, candidate } : undefined;
    },
    { timeoutMs: 30_000, intervalMs: 500 },
  );
  assert.ok(shown.stable + shown.candidate >= 40);
  const headers = await page.getByTestId('rollout-comparison').locator('thead th').allTextContents();
  assert.ok(headers.includes('Success rate') && headers.includes('Runs'), `table headers: ${headers.join(', ')}`);

  await decide('rollout-promote', 'Version 2 promoted');
  const promoted = await deliverAndCount(flow, 5);
  assert.deepEqual([...promoted], [[2, 5]], 'every new run runs the promoted version');
  const afterPromote = (await (await product.api(`/api/flows/${flow.id}`)).json()) as {
    latestVersion: number;
    rollout?: unknown;
  };
  assert.equal(afterPromote.latestVersion, 2);
  assert.equal(afterPromote.rollout, undefined);
  await page.getByTestId('versions-button').click();
  await page.getByTestId('version-row-2').waitFor();
  assert.equal(await page.locator('[data-testid^="version-row-"]').count(), 2, 'the versions list shows 2 versions');
  await page.getByTestId('versions-close').click();

  // A second rollout, rolled back: the new version runs no more, and the draft stays as it was.
  await saveDraft(flow.id, 3);
  await page.reload();
  await startRollout(3, 50);
  await decide('rollout-rollback', 'Version 3 rolled back');
  const rolledBack = await deliverAndCount(flow, 5);
  assert.deepEqual([...rolledBack], [[2, 5]], 'every new run runs version 2 again');
  const afterRollback = (await (await product.api(`/api/flows/${flow.id}`)).json()) as {
    latestVersion: number;
    rollout?: unknown;
    document: { nodes: { id: string; config: { fields?: { value: string }[] } }[] };
  };
  assert.equal(afterRollback.latestVersion, 2);
  assert.equal(afterRollback.rollout, undefined);
  const transform = afterRollback.document.nodes.find((node) => node.id === 'transform');
  assert.equal(transform?.config.fields?.[0]?.value, '{{ 3 }}', 'the draft is unchanged');
  assert.equal(await page.getByTestId('rollout-open').isEnabled(), true, 'another rollout may start');
});
