/**
 * Issue 13, items 3 and 4 in Chromium: a Loop is a group box on the canvas — a step dragged into it joins the body
 * (saved, and still inside after a reload); a run over three items shows each iteration's input and output in the
 * run view; and a node pinned to an older step version shows that version's form, not the newest.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { openBrowser, selectNode } from './browser.ts';
import { type Product, runResult, signIn, startProduct } from './harness.ts';

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

/** What these tests read of a flow (the API's FlowDetail; e2e declares no dependency on the contract package). */
interface SavedFlow {
  id: string;
  document: {
    nodes: { id: string; parentId?: string; position: { x: number; y: number }; size?: unknown }[];
  };
}

/** Runs a step of the test, keeping a screenshot of the page when it fails. */
async function withScreenshot<T>(name: string, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: resolve(artifacts, `loop-container-${name}.png`) });
    throw error;
  }
}

/** manual → Loop over [10, 20, 30]; a transform waits outside the Loop's box, below it. */
const loopFlow = () => ({
  schemaVersion: 1,
  nodes: [
    { id: 'manual', type: 'core.manual', typeVersion: 1, position: { x: 0, y: 60 }, config: {} },
    {
      id: 'each',
      type: 'core.loop',
      typeVersion: 1,
      position: { x: 300, y: 0 },
      size: { width: 460, height: 260 },
      config: { items: '{{ [10, 20, 30] }}', concurrency: 1 },
    },
    {
      id: 'double',
      type: 'core.transform',
      typeVersion: 1,
      position: { x: 300, y: 380 },
      config: {
        fields: [
          { name: 'n', value: '{{ item }}' },
          { name: 'doubled', value: '{{ item * 2 }}' },
        ],
        keepInput: false,
        remove: [],
      },
    },
  ],
  edges: [{ id: 'manual__each', source: 'manual', sourcePort: 'out', target: 'each', targetPort: 'in' }],
});

async function createFlow(name: string, document: unknown): Promise<SavedFlow> {
  const created = await product.api('/api/flows', { method: 'POST', body: JSON.stringify({ name, document }) });
  assert.equal(created.status, 201, await created.clone().text());
  return (await created.json()) as SavedFlow;
}

const boxOf = async (testId: string) => {
  const box = await page.getByTestId(testId).boundingBox();
  assert.ok(box, `${testId} is on screen`);
  return box;
};

let loopFlowId = '';

test('a step dragged into the Loop box joins its body, and is still inside after save and reload', () =>
  withScreenshot('drag-into-loop', async () => {
    const flow = await createFlow('Loop group', loopFlow());
    loopFlowId = flow.id;
    await page.goto(`${product.baseUrl}/flows/${flow.id}`);
    await page.getByTestId('node-double').waitFor();
    assert.equal(await page.getByTestId('node-in-loop-double').count(), 0, 'double starts outside the loop');
    assert.equal(await page.getByTestId('loop-empty-each').isVisible(), true, 'the empty Loop says what to do');

    // Drag the step by its id line into the middle of the Loop's box, as a user does with the mouse.
    const grip = await page.getByTestId('node-double').locator('.step-node-id').boundingBox();
    const group = await boxOf('node-each');
    assert.ok(grip);
    await page.mouse.move(grip.x + grip.width / 2, grip.y + grip.height / 2);
    await page.mouse.down();
    const target = { x: group.x + group.width / 2, y: group.y + group.height / 2 + 20 };
    await page.mouse.move(target.x, target.y, { steps: 12 });
    await page.mouse.up();

    await page.getByTestId('node-in-loop-double').waitFor();
    assert.equal(await page.getByTestId('loop-empty-each').count(), 0);
    // The keyboard path, kept in the inspector: the select takes the step out of the Loop and puts it back inside.
    await selectNode(page, 'double');
    await page.getByTestId('node-parent').selectOption('');
    await page.getByTestId('node-in-loop-double').waitFor({ state: 'detached' });
    await page.getByTestId('node-parent').selectOption('each');
    await page.getByTestId('node-in-loop-double').waitFor();
    assert.equal(await page.getByTestId('save-state').textContent(), 'Unsaved changes');
    await page.getByTestId('save-button').click();
    await page.getByTestId('save-state').filter({ hasText: 'All changes saved' }).waitFor();

    await page.reload();
    await page.getByTestId('node-in-loop-double').waitFor();
    // Drawn inside the group: the body node's box lies within the Loop's box.
    const [inner, outer] = [await boxOf('node-double'), await boxOf('node-each')];
    assert.ok(inner.x >= outer.x && inner.x + inner.width <= outer.x + outer.width, 'inside horizontally');
    assert.ok(inner.y >= outer.y && inner.y + inner.height <= outer.y + outer.height, 'inside vertically');
    const saved = (await (await product.api(`/api/flows/${flow.id}`)).json()) as SavedFlow;
    const double = saved.document.nodes.find((node) => node.id === 'double');
    assert.equal(double?.parentId, 'each');
    assert.ok(double && double.position.x >= 0 && double.position.y >= 0, 'its position is relative to the Loop');
    assert.deepEqual(saved.document.nodes.find((node) => node.id === 'each')?.size, { width: 460, height: 260 });

    // Selected, the box shows resize handles; dragging the bottom-right one grows it, saved as the Loop's size.
    await page.getByTestId('node-each').locator('.loop-group-header .step-node-id').click();
    const corner = await page.locator('.react-flow__resize-control.handle.bottom.right').boundingBox();
    assert.ok(corner);
    await page.mouse.move(corner.x + corner.width / 2, corner.y + corner.height / 2);
    await page.mouse.down();
    await page.mouse.move(corner.x + 120, corner.y + 80, { steps: 8 });
    await page.mouse.up();
    await page.getByTestId('save-button').click();
    await page.getByTestId('save-state').filter({ hasText: 'All changes saved' }).waitFor();
    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: resolve(artifacts, 'loop-container-group.png') });
    const resized = (await (await product.api(`/api/flows/${flow.id}`)).json()) as SavedFlow;
    const size = resized.document.nodes.find((node) => node.id === 'each')?.size as { width: number; height: number };
    assert.ok(size.width > 460 && size.height > 260, `the box grew: ${JSON.stringify(size)}`);
    await page.getByTestId('undo-button').click();
    assert.equal(await page.getByTestId('save-state').textContent(), 'Unsaved changes');
    const afterUndo = await boxOf('node-each');
    assert.ok(Math.abs(afterUndo.width - outer.width) < 2, 'one undo gives the box its former size');
    await page.getByTestId('save-button').click();
    await page.getByTestId('save-state').filter({ hasText: 'All changes saved' }).waitFor();
  }));

test('the run view picks iteration 2 of a loop over three items and shows that iteration’s input and output', () =>
  withScreenshot('iteration-picker', async () => {
    assert.ok(loopFlowId, 'needs the flow the previous test saved');
    const started = await product.api(`/api/flows/${loopFlowId}/runs`, { method: 'POST', body: '{}' });
    assert.equal(started.status, 202, await started.clone().text());
    const { runId } = (await started.json()) as { runId: string };
    await runResult(product.temporal, runId);

    await page.goto(`${product.baseUrl}/runs/${runId}`);
    await page.locator('[data-testid="run-view"][data-run-status="succeeded"]').waitFor();
    const picker = page.getByTestId('iteration-picker-each');
    assert.deepEqual(await picker.locator('option').allTextContents(), ['1 (item 0)', '2 (item 1)', '3 (item 2)']);
    await picker.selectOption({ label: '2 (item 1)' });
    await page.getByTestId('run-node-double').click();

    await page.getByTestId('node-iteration').filter({ hasText: 'iteration 2 (item 1)' }).waitFor();
    assert.deepEqual(JSON.parse((await page.getByTestId('node-output').textContent()) ?? ''), { n: 20, doubled: 40 });
    const input = JSON.parse((await page.getByTestId('node-input').textContent()) ?? '') as { fields: unknown };
    assert.deepEqual(input.fields, [
      { name: 'n', value: 20 },
      { name: 'doubled', value: 40 },
    ]);
    assert.equal(await page.getByTestId('run-node-double').getAttribute('data-status'), 'succeeded');
    assert.equal(
      await page.getByTestId('node-double').getAttribute('data-status'),
      'succeeded',
      'the canvas shows the body node as it ran in the picked iteration',
    );
    await page.screenshot({ path: resolve(artifacts, 'loop-container-iterations.png') });

    await picker.selectOption({ label: '3 (item 2)' });
    await page.getByTestId('node-iteration').filter({ hasText: 'iteration 3 (item 2)' }).waitFor();
    assert.deepEqual(JSON.parse((await page.getByTestId('node-output').textContent()) ?? ''), { n: 30, doubled: 60 });
  }));

/**
 * A package action whose input fields differ between versions (v1: fullName; v2: firstName and lastName), and its
 * ports too (v1: one; v2: `created` and `exists`).
 */
const contactStep = (version: number, fields: string[]) => ({
  type: 'acme-crm.createContact',
  version,
  title: 'Create contact',
  description: '',
  kind: 'action',
  category: 'CRM',
  keywords: [],
  inputSchema: {
    type: 'object',
    properties: Object.fromEntries(fields.map((field) => [field, { type: 'string' }])),
    required: fields,
  },
  outputSchema: { type: 'object' },
  ui: {},
  retry: {},
  timeoutMs: null,
  ...(version === 2
    ? {
        outputs: [
          { id: 'created', label: 'Created' },
          { id: 'exists', label: 'Already there' },
        ],
      }
    : {}),
  runsIn: 'activity',
});

test('a node pinned to an older step version shows that version’s form and ports, the newest one its own', () =>
  withScreenshot('pinned-version', async () => {
    for (const [version, fields] of [
      ['0.1.0', ['fullName']],
      ['0.2.0', ['firstName', 'lastName']],
    ] as const) {
      const published = await product.api('/api/step-packages', {
        method: 'POST',
        body: JSON.stringify({
          name: 'acme-crm',
          version,
          steps: [contactStep(version === '0.1.0' ? 1 : 2, [...fields])],
        }),
      });
      assert.equal(published.status, 201, await published.clone().text());
    }
    const node = (id: string, typeVersion: number, y: number) => ({
      id,
      type: 'acme-crm.createContact',
      typeVersion,
      position: { x: 300, y },
      config: {},
    });
    const flow = await createFlow('Pinned versions', {
      schemaVersion: 1,
      nodes: [
        { id: 'manual', type: 'core.manual', typeVersion: 1, position: { x: 0, y: 0 }, config: {} },
        node('old_contact', 1, 0),
        node('new_contact', 2, 200),
      ],
      edges: [],
    });
    await page.goto(`${product.baseUrl}/flows/${flow.id}`);
    await page.getByTestId('node-old_contact').waitFor();
    await page.getByTestId('handle-new_contact-exists').waitFor();
    await page.getByTestId('handle-old_contact-out').waitFor();
    assert.equal(await page.getByTestId('handle-old_contact-exists').count(), 0, 'v1 has no `exists` port');

    await selectNode(page, 'old_contact');
    await page.getByTestId('field-fullName').waitFor();
    assert.equal(await page.getByTestId('field-firstName').count(), 0, 'v2 fields are not on the v1 form');
    assert.match((await page.getByTestId('pinned-version-note').textContent()) ?? '', /Pinned to v1/);
    assert.match(
      (await page.locator('.upgrade-node').textContent()) ?? '',
      /This node uses v1; acme-crm 0\.2\.0 has v2/,
      'the newer version is still offered as an upgrade',
    );

    await selectNode(page, 'new_contact');
    await page.getByTestId('field-firstName').waitFor();
    assert.equal(await page.getByTestId('field-fullName').count(), 0);
    assert.equal(await page.getByTestId('pinned-version-note').count(), 0);
  }));
