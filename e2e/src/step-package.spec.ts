/**
 * A developer publishes a step package and starts its worker; a builder finds the new step in the palette at once,
 * under the package with a "live" badge, adds it, and gets a form generated from the step's schema.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { getTestStack } from '@pipewright/devstack';
import { defineStep, defineStepPackage, toPackageManifest, z } from '@pipewright/step-sdk';
import { type RunningPackageWorker, startPackageWorker } from '@pipewright/step-worker';
import type { Browser, Page } from 'playwright-core';
import { fieldValue, openBrowser } from './browser.ts';
import { type Product, signIn, startProduct } from './harness.ts';

const hello = defineStep({
  type: 'e2e-steps.hello',
  version: 1,
  kind: 'action',
  title: 'Say hello',
  description: 'Greets someone, from a published package',
  input: z.object({ person: z.string().min(1) }),
  output: z.object({ greeting: z.string() }),
  ui: { person: { label: 'Person', widget: 'expression' } },
  async run(input) {
    return { greeting: `Hello ${input.person}` };
  },
});
const definition = defineStepPackage({ steps: [hello] });

/** v2 renames `person` to `who`; its migrate moves the value (run by the package worker when a builder upgrades). */
const helloV2 = defineStep({
  type: 'e2e-steps.hello',
  version: 2,
  kind: 'action',
  title: 'Say hello',
  description: 'Greets someone, from a published package',
  output: z.object({ greeting: z.string() }),
  input: z.object({ who: z.string().min(1) }),
  ui: { who: { label: 'Who', widget: 'expression' } },
  async run(input) {
    return { greeting: `Hello ${input.who}` };
  },
  migrate(old, fromVersion) {
    return fromVersion < 2 ? { ...old, who: old.person, person: undefined } : old;
  },
});
const definitionV2 = defineStepPackage({ steps: [helloV2] });

async function publish(version: string, steps: typeof definition): Promise<string> {
  const published = await product.api('/api/step-packages', {
    method: 'POST',
    body: JSON.stringify(toPackageManifest(steps, { name: 'e2e-steps', version })),
  });
  assert.equal(published.status, 201, await published.clone().text());
  return ((await published.json()) as { taskQueue: string }).taskQueue;
}

let product: Product;
let worker: RunningPackageWorker;
let browser: Browser;
let page: Page;

before(async () => {
  product = await startProduct();
  const taskQueue = await publish('1.0.0', definition);
  worker = await startPackageWorker({ temporalAddress: (await getTestStack()).temporalAddress, taskQueue, definition });
  ({ browser, page } = await openBrowser());
});

after(async () => {
  await browser?.close();
  await worker?.shutdown();
  await product?.stop();
});

test('the palette shows a published package’s step under the package, live, with a schema-generated form', async () => {
  await signIn(page, product);
  await page.goto(product.baseUrl);
  await page.getByTestId('new-flow-button').click();
  await page.getByTestId('new-flow-name').fill('Package steps');
  await page.getByTestId('new-flow-create').click();
  await page.waitForURL(/\/flows\/[^/]+$/);

  const group = page.getByTestId('palette-package-e2e-steps');
  await group.getByTestId('palette-item-e2e-steps.hello').waitFor();
  // Temporal records the worker's poll a moment after it starts; the palette refetches the catalog on its own.
  await group.getByTestId('palette-package-status').filter({ hasText: 'live' }).waitFor({ timeout: 30_000 });

  // Clicking adds the node and selects it: the inspector shows the form built from the step's input schema.
  await page.getByTestId('palette-item-e2e-steps.hello').click();
  await page.getByTestId('node-e2e_steps_hello').waitFor();
  await page
    .getByTestId('node-id')
    .filter({ hasText: /^e2e_steps_hello$/ })
    .waitFor();
  await page.getByTestId('field-person').waitFor();
  assert.equal(await page.getByTestId('palette-package-status').textContent(), 'live');
});

test('publishing v2 leaves the node on v1 until the builder clicks "Upgrade to v2", which runs the migrate', async () => {
  await page.getByTestId('field-person').fill('Ada');
  await page.getByTestId('save-button').click();
  await page.getByTestId('save-state').filter({ hasText: 'All changes saved' }).waitFor();

  const taskQueue = await publish('2.0.0', definitionV2);
  await worker.shutdown();
  worker = await startPackageWorker({
    temporalAddress: (await getTestStack()).temporalAddress,
    taskQueue,
    definition: definitionV2,
  });

  await page.reload();
  await page.getByTestId('node-e2e_steps_hello').locator('.step-node-id').click();
  const upgrade = page.getByTestId('upgrade-node');
  await upgrade.filter({ hasText: 'Upgrade to v2' }).waitFor();
  await upgrade.click();
  await upgrade.waitFor({ state: 'detached' });
  assert.equal(await fieldValue(page.getByTestId('field-who')), 'Ada');
  assert.equal(await page.getByTestId('field-person').count(), 0);
});
