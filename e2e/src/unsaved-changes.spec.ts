/**
 * The editor's "leave with unsaved changes?" prompt in Chromium (docs/adr/023: TanStack Router's blocker): with an
 * unsaved edit, a nav link and the browser's back button ask first; "Cancel" stays in the editor with the edit,
 * "OK" leaves.  A saved flow leaves without asking.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Dialog, Page } from 'playwright-core';
import { openBrowser, selectNode } from './browser.ts';
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

async function createFlow(): Promise<string> {
  const document = {
    schemaVersion: 1,
    nodes: [
      { id: 'start', type: 'core.manual', typeVersion: 1, position: { x: 0, y: 0 }, config: {} },
      { id: 'extra', type: 'core.manual', typeVersion: 1, position: { x: 300, y: 0 }, config: {} },
    ],
    edges: [],
  };
  const created = await product.api('/api/flows', {
    method: 'POST',
    body: JSON.stringify({ name: 'Unsaved', document }),
  });
  assert.equal(created.status, 201, await created.clone().text());
  return ((await created.json()) as { id: string }).id;
}

/** Runs `act`, answers the confirm it opens (accept or not) and returns its question. */
async function answerPrompt(act: () => Promise<void>, accept: boolean): Promise<string> {
  const shown = page.waitForEvent('dialog');
  const acting = act();
  const dialog: Dialog = await shown;
  const question = dialog.message();
  await (accept ? dialog.accept() : dialog.dismiss());
  await acting;
  return question;
}

test('unsaved edits: leaving by a link or by back asks first; Cancel stays, OK leaves', async () => {
  const flowId = await createFlow();
  await signIn(page, product);
  await page.getByTestId('nav-runs').click();
  await page.waitForURL((address) => address.pathname === '/runs');
  await page.goto(`${product.baseUrl}/flows/${flowId}`);
  await page.getByTestId('node-extra').waitFor();

  // An unsaved edit: delete a step.
  await selectNode(page, 'extra');
  await page.keyboard.press('Delete');
  await page.getByTestId('save-state').filter({ hasText: 'Unsaved changes' }).waitFor();

  const question = await answerPrompt(() => page.getByTestId('nav-runs').click(), false);
  assert.equal(question, 'This flow has unsaved changes. Leave without saving?');
  assert.equal(new URL(page.url()).pathname, `/flows/${flowId}`, 'Cancel stays in the editor');
  assert.equal(await page.getByTestId('node-extra').count(), 0, 'with the edit');
  assert.equal(await page.getByTestId('save-state').textContent(), 'Unsaved changes');

  // The browser's back button (history.back(): Playwright's goBack would wait for a load that a blocked pop never has).
  await answerPrompt(() => page.evaluate('history.back()'), false);
  await page.getByTestId('node-start').waitFor();
  assert.equal(new URL(page.url()).pathname, `/flows/${flowId}`, 'Cancel on back stays too');

  await answerPrompt(() => page.getByTestId('nav-failures').click(), true);
  await page.waitForURL((address) => address.pathname === '/failures');
});

test('a saved flow leaves without asking', async () => {
  const flowId = await createFlow();
  await page.goto(`${product.baseUrl}/flows/${flowId}`);
  await page.getByTestId('node-extra').waitFor();
  let asked = false;
  const onDialog = (dialog: Dialog) => {
    asked = true;
    void dialog.dismiss();
  };
  page.on('dialog', onDialog);
  await page.getByTestId('nav-runs').click();
  await page.waitForURL((address) => address.pathname === '/runs');
  page.off('dialog', onDialog);
  assert.equal(asked, false);
});
