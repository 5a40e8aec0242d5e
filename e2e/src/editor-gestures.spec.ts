/**
 * Issue 13's editing gestures in Chromium: box-select two connected steps, copy and paste them (the copy has new ids
 * and its own edge) and undo the paste in one step, then paste them into another flow's editor in a second tab;
 * auto-layout moves the steps and undo puts them back; the find box centres and selects a step far away on a big
 * canvas; `?` opens the shortcuts dialog and Escape closes it.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Locator, Page } from 'playwright-core';
import { openBrowser } from './browser.ts';
import { type Product, signIn, startProduct } from './harness.ts';

const artifacts = resolve(import.meta.dirname, '../artifacts');
let product: Product;
let browser: Browser;
let page: Page;

before(async () => {
  product = await startProduct();
  ({ browser, page } = await openBrowser());
  await signIn(page, product);
});

after(async () => {
  await browser?.close();
  await product?.stop();
});

interface TestNode {
  id: string;
  type: string;
  x: number;
  y: number;
  title?: string;
}

async function createFlow(name: string, nodes: TestNode[], edges: [string, string][]): Promise<string> {
  const document = {
    schemaVersion: 1,
    nodes: nodes.map(({ id, type, x, y, title }) => ({
      id,
      type,
      typeVersion: 1,
      position: { x, y },
      config: {},
      ...(title ? { title } : {}),
    })),
    edges: edges.map(([source, target]) => ({ id: `${source}__${target}`, source, target })),
  };
  const response = await product.api('/api/flows', { method: 'POST', body: JSON.stringify({ name, document }) });
  assert.equal(response.status, 201, await response.clone().text());
  return ((await response.json()) as { id: string }).id;
}

/** manual → transform → http_request, the last two side by side well below the trigger. */
const chain: TestNode[] = [
  { id: 'manual', type: 'core.manual', x: 0, y: 0 },
  { id: 'transform', type: 'core.transform', x: 320, y: 260 },
  { id: 'http_request', type: 'http.request', x: 640, y: 260 },
];
const chainEdges: [string, string][] = [
  ['manual', 'transform'],
  ['transform', 'http_request'],
];

const node = (target: Page, id: string) => target.getByTestId(`node-${id}`);
const edge = (target: Page, source: string, to: string) =>
  target.getByTestId(`rf__edge-${source}__${to}`).waitFor({ state: 'attached' });

async function openEditor(target: Page, flowId: string, firstNode: string): Promise<void> {
  await target.goto(`${product.baseUrl}/flows/${flowId}`);
  await node(target, firstNode).waitFor();
}

async function box(locator: Locator) {
  const found = await locator.boundingBox();
  if (!found) assert.fail('element has no box');
  return found;
}

/** The flow position React Flow drew a node at (its wrapper's `transform: translate(…)`). */
async function drawnPosition(target: Page, id: string): Promise<{ x: number; y: number }> {
  const style = (await target.getByTestId(`rf__node-${id}`).getAttribute('style')) ?? '';
  const match = /translate\((-?[\d.]+)px, ?(-?[\d.]+)px\)/.exec(style);
  if (!match) assert.fail(`node ${id} has no translate: ${style}`);
  return { x: Number(match[1]), y: Number(match[2]) };
}

/** The flow y of a node's vertical centre: its drawn top plus half its height (CSS pixels are flow units). */
async function drawnMiddle(target: Page, id: string): Promise<number> {
  const { y } = await drawnPosition(target, id);
  const height = await target
    .getByTestId(`rf__node-${id}`)
    .evaluate((element) => (element as unknown as { offsetHeight: number }).offsetHeight);
  return y + height / 2;
}

/** Waits until React Flow draws a node at (or, with `away`, no longer at) a flow position. */
async function waitForDrawnAt(target: Page, id: string, at: { x: number; y: number }, away = false): Promise<void> {
  await target
    .locator(`[data-testid="rf__node-${id}"][style*="translate(${at.x}px, ${at.y}px)"]`)
    .waitFor({ state: away ? 'detached' : 'attached' });
}

test('box-select two connected steps, copy and paste them, undo the paste, paste into another flow', async () => {
  // Two tabs of one browser (one context: shared storage and clipboard), each with its own flow's editor.
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  context.setDefaultTimeout(15_000);
  try {
    const first = await context.newPage();
    await signIn(first, product);
    const flowId = await createFlow('Copy source', chain, chainEdges);
    await openEditor(first, flowId, 'transform');
    // Live validation marks http_request (it has no URL) soon after the editor opens, and the mark makes the node
    // taller: measure the nodes once it is there, or the box drawn around them may miss the node's new bottom.
    await first.getByTestId('node-errors-http_request').waitFor();

    // Shift-drag a box around transform and http_request (the trigger is far above it).
    const left = await box(node(first, 'transform'));
    const right = await box(node(first, 'http_request'));
    await first.keyboard.down('Shift');
    await first.mouse.move(left.x - 15, left.y - 15);
    await first.mouse.down();
    await first.mouse.move(right.x + right.width + 15, right.y + right.height + 15, { steps: 8 });
    await first.mouse.up();
    await first.keyboard.up('Shift');
    await first.locator('[data-testid="node-transform"].selected').waitFor();
    await first.locator('[data-testid="node-http_request"].selected').waitFor();
    assert.equal(await first.locator('.step-node.selected').count(), 2);

    await first.keyboard.press('Control+c');
    await first.getByTestId('gesture-message').filter({ hasText: 'Copied 2 steps' }).waitFor();
    await first.keyboard.press('Control+v');
    await first.getByTestId('gesture-message').filter({ hasText: 'Pasted 2 steps' }).waitFor();

    // The copy: fresh ids, its own edge, offset from the original, and it is the selection now.
    await node(first, 'transform_2').waitFor();
    await node(first, 'http_request_2').waitFor();
    await edge(first, 'transform_2', 'http_request_2');
    assert.equal(await first.locator('.react-flow__node').count(), 5);
    assert.equal(await first.locator('.react-flow__edge').count(), 3);
    await first.locator('[data-testid="node-transform_2"].selected').waitFor();
    assert.equal(await first.locator('.step-node.selected').count(), 2);
    const original = await drawnPosition(first, 'transform');
    const copy = await drawnPosition(first, 'transform_2');
    assert.ok(copy.x > original.x && copy.y > original.y, `the copy is offset: ${JSON.stringify({ original, copy })}`);

    // One undo removes the whole paste.
    await first.getByTestId('undo-button').click();
    await node(first, 'transform_2').waitFor({ state: 'detached' });
    await node(first, 'http_request_2').waitFor({ state: 'detached' });
    assert.equal(await first.locator('.react-flow__node').count(), 3);
    assert.equal(await first.locator('.react-flow__edge').count(), 2);

    // Another flow's editor in a second tab of the same browser: the ids are free there, so they are kept.
    const otherId = await createFlow('Paste target', [{ id: 'webhook', type: 'core.webhook', x: 0, y: 0 }], []);
    const other = await context.newPage();
    await openEditor(other, otherId, 'webhook');
    await other.getByTestId('canvas').click({ position: { x: 400, y: 400 } });
    await other.keyboard.press('Control+v');
    await node(other, 'transform').waitFor();
    await node(other, 'http_request').waitFor();
    await edge(other, 'transform', 'http_request');
    assert.equal(await other.locator('.react-flow__node').count(), 3);
  } catch (error) {
    mkdirSync(artifacts, { recursive: true });
    for (const [index, tab] of context.pages().entries()) {
      await tab.screenshot({ path: resolve(artifacts, `editor-gestures-copy-paste-tab${index}.png`) });
    }
    throw error;
  } finally {
    await context.close();
  }
});

test('auto-layout moves the steps left to right in one click, and undo restores every position', async () => {
  const messy: TestNode[] = [
    { id: 'manual', type: 'core.manual', x: 500, y: 400 },
    { id: 'transform', type: 'core.transform', x: 0, y: 0 },
    { id: 'http_request', type: 'http.request', x: 250, y: 700 },
  ];
  const flowId = await createFlow('Layout', messy, chainEdges);
  await openEditor(page, flowId, 'manual');
  const ids = messy.map((each) => each.id);
  const before = await Promise.all(ids.map((id) => drawnPosition(page, id)));
  assert.deepEqual(
    before,
    messy.map(({ x, y }) => ({ x, y })),
  );

  // Live validation marks http_request (it has no URL) soon after the editor opens, and the mark makes the node
  // taller: lay out once it is there, so every node is measured at the height it keeps.
  await page.getByTestId('node-errors-http_request').waitFor();
  await page.getByTestId('auto-layout-button').click();
  await waitForDrawnAt(page, 'transform', { x: 0, y: 0 }, true);
  const after = await Promise.all(ids.map((id) => drawnPosition(page, id)));
  const [manual, transform, http] = after;
  assert.ok(manual && transform && http);
  assert.ok(manual.x < transform.x && transform.x < http.x, `left to right: ${JSON.stringify(after)}`);
  // One row: the steps share a centre line (their heights differ), so the edges between them are straight.
  const middles = await Promise.all(ids.map((id) => drawnMiddle(page, id)));
  // (Within a pixel: React Flow measures fractional heights, offsetHeight rounds them.)
  assert.ok(Math.max(...middles) - Math.min(...middles) <= 1, `one centre line: ${JSON.stringify(middles)}`);

  await page.getByTestId('undo-button').click();
  await waitForDrawnAt(page, 'transform', { x: 0, y: 0 });
  assert.deepEqual(await Promise.all(ids.map((id) => drawnPosition(page, id))), before);
});

test('align the top edges of two selected steps from the top bar; undo puts them back', async () => {
  const flowId = await createFlow('Align', chain, chainEdges);
  await openEditor(page, flowId, 'manual');
  await node(page, 'manual').click();
  await node(page, 'transform').click({ modifiers: ['Control'] });
  await page.getByText('2 nodes selected').waitFor();
  await page.getByTestId('align-button').click();
  await page.getByTestId('align-top').click();
  await page.getByRole('menu').waitFor({ state: 'detached' });
  await waitForDrawnAt(page, 'transform', { x: 320, y: 0 });
  assert.deepEqual(await drawnPosition(page, 'manual'), { x: 0, y: 0 });
  assert.deepEqual(await drawnPosition(page, 'http_request'), { x: 640, y: 260 }, 'unselected steps stay');
  await page.getByTestId('undo-button').click();
  await waitForDrawnAt(page, 'transform', { x: 320, y: 260 });
});

test('the find box centres and selects a step by name on a big canvas', async () => {
  // A 10 × 6 grid of transforms over a wide area, and one titled step in the far corner.
  const grid: TestNode[] = Array.from({ length: 60 }, (_, index) => ({
    id: `step_${index}`,
    type: 'core.transform',
    x: (index % 10) * 420,
    y: Math.floor(index / 10) * 320,
  }));
  grid.push({ id: 'archive', type: 'http.request', x: 4400, y: 2000, title: 'Archive the order' });
  const flowId = await createFlow('Big canvas', grid, []);
  await openEditor(page, flowId, 'step_0');
  const canvas = await box(page.getByTestId('canvas'));
  const centreOf = async () => {
    const found = await box(node(page, 'archive'));
    return { x: found.x + found.width / 2, y: found.y + found.height / 2, width: found.width };
  };
  const before = await centreOf();
  assert.ok(Math.abs(before.x - (canvas.x + canvas.width / 2)) > 200, 'the step starts away from the centre');

  await page.keyboard.press('Control+f');
  await page.getByTestId('node-search-input').fill('archive');
  await page.getByTestId('node-search-hit-archive').waitFor();
  await page.keyboard.press('Enter');
  await page.getByTestId('node-search').waitFor({ state: 'detached' });
  await page
    .getByTestId('node-id')
    .filter({ hasText: /^archive$/ })
    .waitFor();
  await page.locator('[data-testid="node-archive"].selected').waitFor();

  // Selecting opens the inspector, which narrows the canvas: centre against the canvas as it is now.
  // (A string, run in the page: this package's TypeScript knows no DOM.)
  await page.waitForFunction(
    `(() => {
      const target = document.querySelector('[data-testid="node-archive"]')?.getBoundingClientRect();
      const pane = document.querySelector('[data-testid="canvas"]')?.getBoundingClientRect();
      if (!target || !pane) return false;
      const dx = target.x + target.width / 2 - (pane.x + pane.width / 2);
      const dy = target.y + target.height / 2 - (pane.y + pane.height / 2);
      return Math.hypot(dx, dy) < 60 && target.width > 200;
    })()`,
    undefined,
    { timeout: 5000 },
  );
  const after = await centreOf();
  assert.ok(after.width > before.width, 'zoomed in to a readable size');
});

test('? opens the keyboard shortcuts dialog with focus inside; Escape closes it', async () => {
  const flowId = await createFlow('Help', chain, chainEdges);
  await openEditor(page, flowId, 'manual');
  await page.getByTestId('canvas').click({ position: { x: 500, y: 500 } });
  await page.keyboard.press('?');
  const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await dialog.waitFor();
  assert.match((await dialog.textContent()) ?? '', /Paste steps/);
  await page.locator('[data-testid="shortcuts-help-close"]:focus').waitFor();
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });

  // The top bar's button opens it too.
  await page.getByTestId('shortcuts-button').click();
  await dialog.waitFor();
  await page.getByTestId('shortcuts-help-close').click();
  await dialog.waitFor({ state: 'detached' });
});
