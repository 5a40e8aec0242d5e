/**
 * Users and roles in Chromium: the first visit creates the workspace, the admin invites a viewer, the viewer joins
 * through the invite link and sees a read-only product (no members page, flow creation refused), and logging out
 * shows the login page.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { openBrowser } from './browser.ts';
import { type Product, startProduct } from './harness.ts';

let product: Product;
let browser: Browser;
let page: Page;

before(async () => {
  product = await startProduct({ signUp: false });
  ({ browser, page } = await openBrowser());
});

after(async () => {
  await browser?.close();
  await product?.stop();
});

test('first run creates the workspace; an invited viewer joins with read-only access', async () => {
  await page.goto(product.baseUrl);
  await page.getByRole('heading', { name: 'Create your workspace' }).waitFor();
  await page.getByTestId('signup-workspace').fill('Acme');
  await page.getByTestId('signup-name').fill('Ada Admin');
  await page.getByTestId('signup-email').fill('ada@example.test');
  await page.getByTestId('signup-password').fill('a long password');
  await page.getByTestId('signup-submit').click();
  await page.getByTestId('logout-button').waitFor();
  assert.match((await page.getByTestId('current-user').textContent()) ?? '', /ada@example\.test · Acme · admin/);

  // The session is an httpOnly cookie: scripts in the page cannot read it.
  const cookies = await page.context().cookies();
  const session = cookies.find((cookie) => cookie.name === 'pw_session');
  assert.equal(session?.httpOnly, true);
  assert.equal(session?.sameSite, 'Lax');
  assert.equal(await page.evaluate('document.cookie.includes("pw_session")'), false);

  await page.getByTestId('nav-members').click();
  await page.getByTestId('members-page').waitFor();
  await page.getByTestId('member-row-ada@example.test').waitFor();
  await page.getByTestId('invite-email').fill('vic@example.test');
  await page.getByTestId('invite-role').selectOption('viewer');
  await page.getByTestId('invite-submit').click();
  const link = (await page.getByTestId('invite-link').textContent()) ?? '';
  assert.match(link, /\/signup\?invite=/);

  await page.getByTestId('nav-audit').click();
  await page.getByTestId('audit-page').getByText('member.invite').waitFor();

  await page.getByTestId('logout-button').click();
  await page.getByTestId('login-submit').waitFor();

  await page.goto(link);
  await page.getByRole('heading', { name: 'Join your team' }).waitFor();
  await page.getByTestId('signup-name').fill('Vic Viewer');
  await page.getByTestId('signup-email').fill('vic@example.test');
  await page.getByTestId('signup-password').fill('another long password');
  await page.getByTestId('signup-submit').click();
  await page.getByTestId('logout-button').waitFor();
  assert.match((await page.getByTestId('current-user').textContent()) ?? '', /vic@example\.test · Acme · viewer/);
  assert.equal(await page.getByTestId('nav-members').count(), 0, 'viewers have no members page');

  // Read-only: creating a flow is refused by the server, and the page says why.
  await page.getByTestId('new-flow-button').click();
  await page.getByTestId('new-flow-name').fill('Not allowed');
  await page.getByTestId('new-flow-create').click();
  await page.getByText('This needs the builder role; you are viewer').waitFor();

  await page.getByTestId('nav-tokens').click();
  await page.getByTestId('tokens-page').waitFor();

  await page.getByTestId('logout-button').click();
  await page.getByTestId('login-email').fill('ada@example.test');
  await page.getByTestId('login-password').fill('a long password');
  await page.getByTestId('login-submit').click();
  await page.getByTestId('nav-members').click();
  await page.getByTestId('member-row-vic@example.test').getByText('Vic Viewer').waitFor();
});
