/**
 * Several workspaces per user in Chromium: create a second workspace from the nav's switcher (it starts empty), switch
 * back to the first and find its flow; an existing user opens an invite link while signed in and joins another
 * workspace with the account they have, and when removed from it picks one of their other workspaces.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { openBrowser } from './browser.ts';
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

test('create a second workspace from the switcher, find it empty, switch back to the first one’s flow', async () => {
  const created = await product.api('/api/flows', { method: 'POST', body: JSON.stringify({ name: 'First flow' }) });
  assert.equal(created.status, 201);
  const flow = (await created.json()) as { id: string };

  await signIn(page, product);
  await page.getByTestId(`flow-row-${flow.id}`).waitFor();
  assert.match((await page.getByTestId('workspace-switcher').textContent()) ?? '', /E2E/);

  await page.getByTestId('workspace-switcher').click();
  await page.getByTestId('create-workspace').click();
  await page.getByTestId('create-workspace-name').fill('Second team');
  await page.getByTestId('create-workspace-submit').click();
  await page.getByTestId('current-user').filter({ hasText: '· Second team · admin' }).waitFor();
  await page.getByTestId('flows-list').getByText('No flows yet').waitFor();
  assert.equal(await page.getByTestId(`flow-row-${flow.id}`).count(), 0, 'the first workspace’s flow is not here');

  await page.getByTestId('workspace-switcher').click();
  const options = page.getByTestId('workspace-option');
  await options.filter({ hasText: 'Second team' }).filter({ hasText: 'admin' }).waitFor();
  await options.filter({ hasText: 'E2E' }).click();
  await page.getByTestId('current-user').filter({ hasText: '· E2E · admin' }).waitFor();
  await page.getByTestId(`flow-row-${flow.id}`).waitFor();
  assert.equal(await page.getByTestId('workspace-menu').count(), 0, 'the menu closes after switching');
});

test('an existing user opens an invite link while signed in and joins with the account they have', async () => {
  // Bea has an account already: a viewer of E2E.
  const bea = { email: 'bea@example.test', password: 'bea password 123' };
  const invited = await product.api('/api/workspace/members', {
    method: 'POST',
    body: JSON.stringify({ email: bea.email, role: 'viewer' }),
  });
  const { token } = (await invited.json()) as { token: string };
  const joined = await fetch(`${product.baseUrl}/api/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...bea, name: 'Bea', inviteToken: token }),
  });
  assert.equal(joined.status, 201);

  // The admin (signed in, in "Second team" after a switch) invites Bea there as a builder.
  await page.getByTestId('workspace-switcher').click();
  await page.getByTestId('workspace-option').filter({ hasText: 'Second team' }).click();
  await page.getByTestId('current-user').filter({ hasText: '· Second team · admin' }).waitFor();
  await page.getByTestId('nav-members').click();
  await page.getByTestId('invite-email').fill(bea.email);
  await page.getByTestId('invite-role').selectOption('builder');
  await page.getByTestId('invite-submit').click();
  const link = (await page.getByTestId('invite-link').textContent()) ?? '';
  assert.match(link, /\/signup\?invite=/);
  await page.getByTestId('logout-button').click();

  await page.getByTestId('login-email').fill(bea.email);
  await page.getByTestId('login-password').fill(bea.password);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('current-user').filter({ hasText: 'bea@example.test · E2E · viewer' }).waitFor();
  // The pending invite shows in the switcher too.
  await page.getByTestId('pending-invite-count').filter({ hasText: '1' }).waitFor();

  await page.goto(link);
  await page.getByTestId('accept-invite-page').waitFor();
  await page.getByTestId('accept-invite-link').click();
  await page.getByTestId('current-user').filter({ hasText: 'bea@example.test · Second team · builder' }).waitFor();
  await page.getByTestId('workspace-switcher').click();
  await page.getByTestId('workspace-option').filter({ hasText: 'E2E' }).filter({ hasText: 'viewer' }).waitFor();
  assert.equal(await page.getByTestId('pending-invite').count(), 0);

  // The admin removes Bea from "Second team" while she works there: she keeps E2E and picks it.
  const admin = await signInByApi(product.admin);
  const second = (
    (await (await admin('GET', '/api/workspaces')).json()) as { items: { id: string; name: string }[] }
  ).items.find((workspace) => workspace.name === 'Second team');
  assert.ok(second);
  assert.equal((await admin('POST', '/api/session/workspace', { workspaceId: second.id })).status, 200);
  const members = (await (await admin('GET', '/api/workspace/members')).json()) as {
    members: { userId: string; email: string }[];
  };
  const beaId = members.members.find((member) => member.email === bea.email)?.userId ?? '';
  assert.equal((await admin('DELETE', `/api/workspace/members/${beaId}`)).status, 204);

  await page.reload();
  await page.getByTestId('choose-workspace-page').waitFor();
  await page.getByTestId('workspace-option').filter({ hasText: 'E2E' }).click();
  await page.getByTestId('current-user').filter({ hasText: 'bea@example.test · E2E · viewer' }).waitFor();
});

/** A browser-like session (cookie + CSRF header) for acting as a user through the API. */
async function signInByApi(user: { email: string; password: string }) {
  const login = await fetch(`${product.baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(user),
  });
  assert.equal(login.status, 200);
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  return (method: string, path: string, body?: unknown) =>
    fetch(`${product.baseUrl}${path}`, {
      method,
      headers: { cookie, 'x-requested-with': 'pipewright', 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
}
