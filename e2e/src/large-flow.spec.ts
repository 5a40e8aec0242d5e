/**
 * A 400-node flow in the editor (issue 13): opened, it fits the view far out, where every node is drawn as a box
 * without text and edges without labels (canvas-detail.ts); zoomed in, the If edges say "true" / "false" again and
 * only the nodes in view are rendered.  `./pw bench editor` times the same canvas; this checks what the user sees.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { openBrowser } from './browser.ts';
import { type Product, signIn, startProduct } from './harness.ts';

const NODES = 400;
const COLUMNS = 20;

/** A manual trigger, then a chain where every third node is an If whose true port continues and false port skips. */
function bigFlow() {
  const nodes = [];
  const edges = [];
  for (let i = 0; i < NODES; i++) {
    const type = i === 0 ? 'core.manual' : i % 3 === 1 ? 'core.if' : 'core.transform';
    const config =
      type === 'core.if'
        ? { condition: '{{ input.n > 1 }}' }
        : type === 'core.transform'
          ? { fields: [{ name: 'n', value: '{{ 1 }}' }], keepInput: true, remove: [] }
          : {};
    nodes.push({
      id: `n${i}`,
      type,
      typeVersion: 1,
      position: { x: (i % COLUMNS) * 280, y: Math.floor(i / COLUMNS) * 120 },
      config,
    });
    if (i === 0) continue;
    const fromIf = (i - 1) % 3 === 1;
    edges.push({ id: `e${i}`, source: `n${i - 1}`, sourcePort: fromIf ? 'true' : 'out', target: `n${i}` });
    if (fromIf && i + 1 < NODES)
      edges.push({ id: `f${i}`, source: `n${i - 1}`, sourcePort: 'false', target: `n${i + 1}` });
  }
  return { schemaVersion: 1, nodes, edges };
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

test('a 400-node flow opens zoomed out without text or edge labels, and zooming in brings them back', async () => {
  const created = await product.api('/api/flows', {
    method: 'POST',
    body: JSON.stringify({ name: 'Big flow', document: bigFlow() }),
  });
  assert.equal(created.status, 201, await created.clone().text());
  const flow = (await created.json()) as { id: string };
  await signIn(page, product);
  await page.goto(`${product.baseUrl}/flows/${flow.id}`);

  const canvas = page.getByTestId('canvas');
  await page.locator('.canvas.zoomed-out').waitFor();
  await page.getByTestId(`node-n${NODES - 1}`).waitFor();
  assert.equal(await page.locator('.react-flow__node').count(), NODES, 'zoomed out, every node is drawn');
  assert.equal(await page.locator('.react-flow__edge-text').count(), 0, 'zoomed out, no edge has a label');
  assert.equal(await page.getByTestId('node-n1').locator('.step-node-title').isVisible(), false);

  // Zoom in with the Controls until the canvas draws detail again (each click: 1.2×).
  for (let i = 0; i < 12 && (await canvas.getAttribute('class'))?.includes('zoomed-out'); i++) {
    await page.locator('.react-flow__controls-zoomin').click();
  }
  await page.locator('.canvas:not(.zoomed-out)').waitFor();
  await page.locator('.react-flow__edge-text', { hasText: 'true' }).first().waitFor();
  const rendered = await page.locator('.react-flow__node').count();
  assert.ok(rendered > 0 && rendered < NODES, `zoomed in, only the nodes in view are rendered (${rendered})`);
  await page.locator('.react-flow__node .step-node-title').first().waitFor({ state: 'visible' });
});
