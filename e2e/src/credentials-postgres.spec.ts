/**
 * Credentials across roles in Chromium: an admin creates a PostgreSQL credential on the Credentials page; a builder
 * (who can pick it by name but never read its password) builds webhook → PostgreSQL insert, publishes, and the
 * webhook's value lands in the database.  The database is a private cluster with password authentication
 * (SCRAM-SHA-256, see private-postgres.ts), so the insert only succeeds if the worker logged in with the password the
 * admin typed; the machine's PostgreSQL (trust auth) would accept any.  Needs PostgreSQL's server binaries.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import pg from 'pg';
import type { Browser, Page } from 'playwright-core';
import { openBrowser, selectNode } from './browser.ts';
import { type Product, signIn, startProduct } from './harness.ts';
import { type PrivatePostgres, startPrivatePostgres } from './private-postgres.ts';

const PASSWORD = `pw-canary-${randomBytes(8).toString('hex')}`;
const TABLE = `e2e_people_${randomBytes(4).toString('hex')}`;
const BUILDER = { email: 'bea@example.test', password: 'builder password 123', name: 'Bea Builder' };

let postgres: PrivatePostgres;
let db: { host: string; port: number; user: string; password: string; database: string };
let product: Product;
let browser: Browser;
let adminPage: Page;
let sql: pg.Client;

before(async () => {
  // In parallel; each is assigned as soon as it is up, so after() stops whatever started even if another failed.
  const started = await Promise.allSettled([
    startPrivatePostgres({ user: 'pipewright_e2e', password: PASSWORD }).then((cluster) => {
      postgres = cluster;
    }),
    startProduct().then((running) => {
      product = running;
    }),
    openBrowser().then((opened) => {
      ({ browser, page: adminPage } = opened);
    }),
  ]);
  for (const result of started) if (result.status === 'rejected') throw result.reason;
  const { host, port, user, password, database } = postgres;
  db = { host, port, user, password, database };
  sql = new pg.Client(db);
  await sql.connect();
  await sql.query(`CREATE TABLE ${TABLE} (id serial PRIMARY KEY, name text NOT NULL)`);
});

after(async () => {
  await sql?.end().catch(() => {});
  await browser?.close();
  await product?.stop();
  await postgres?.stop();
});

/** Logs in to the private cluster and out again; rejects as the server (or the client) refuses. */
async function logIn(password: string | undefined): Promise<void> {
  const client = new pg.Client({ ...db, password });
  client.on('error', () => {});
  try {
    await client.connect();
  } finally {
    await client.end().catch(() => {});
  }
}

test('an admin’s PostgreSQL credential is used by a builder’s webhook → insert flow without revealing it', async () => {
  // The database checks passwords: only the right one gets in, so a run that inserts proves the worker sent it.
  await assert.rejects(logIn(`${PASSWORD}-wrong`), /password authentication failed for user "pipewright_e2e"/);
  await assert.rejects(logIn(''), /password/);
  await logIn(PASSWORD);

  // The admin creates the credential in the UI.
  await signIn(adminPage, product);
  await adminPage.getByTestId('nav-credentials').click();
  await adminPage.getByTestId('credential-create').click();
  await adminPage.getByTestId('credential-type').selectOption('postgres');
  await adminPage.getByTestId('credential-name').fill('Test database');
  await adminPage.getByTestId('credential-field-host').fill(db.host);
  await adminPage.getByTestId('credential-field-port').fill(String(db.port));
  await adminPage.getByTestId('credential-field-user').fill(db.user);
  await adminPage.getByTestId('credential-field-password').fill(PASSWORD);
  await adminPage.getByTestId('credential-field-database').fill(db.database);
  await adminPage.getByTestId('credential-save').click();
  await adminPage.getByTestId('credential-row-Test database').waitFor();

  // The admin limits where requests with this credential may go (the worker's SSRF guard reads it).
  await adminPage.getByTestId('credential-row-Test database').getByTestId('credential-rename').click();
  await adminPage.getByTestId('credential-allow-private').check();
  await adminPage.getByTestId('credential-allowed-hosts').fill('127.0.0.1, db.internal');
  await adminPage.getByTestId('credential-network-save').click();
  await adminPage.getByTestId('credential-network').getByText('Saved').waitFor();
  const listed = (await (await product.api('/api/credentials')).json()) as { items: { id: string; name: string }[] };
  const saved = listed.items.find((item) => item.name === 'Test database');
  const adminView = (await (await product.api(`/api/credentials/${saved?.id}`)).json()) as { network?: unknown };
  assert.deepEqual(adminView.network, {
    allowPrivate: true,
    allowMetadata: false,
    allowedHosts: ['127.0.0.1', 'db.internal'],
  });

  // A builder joins through an invite, in a browser context of their own.
  const invite = await product.api('/api/workspace/members', {
    method: 'POST',
    body: JSON.stringify({ email: BUILDER.email, role: 'builder' }),
  });
  assert.equal(invite.status, 201, await invite.clone().text());
  const { link } = (await invite.json()) as { link: string };
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.setDefaultTimeout(15_000);
  await page.goto(new URL(link, product.baseUrl).toString());
  await page.getByTestId('signup-name').fill(BUILDER.name);
  await page.getByTestId('signup-email').fill(BUILDER.email);
  await page.getByTestId('signup-password').fill(BUILDER.password);
  await page.getByTestId('signup-submit').click();
  await page.getByTestId('logout-button').waitFor();
  assert.match((await page.getByTestId('current-user').textContent()) ?? '', /builder/);

  // The builder builds webhook → postgres.query and picks the credential by name.
  await page.getByTestId('new-flow-button').click();
  await page.getByTestId('new-flow-name').fill('Signups to PostgreSQL');
  await page.getByTestId('new-flow-create').click();
  await page.waitForURL(/\/flows\/[^/]+$/);
  await page.getByTestId('palette-item-core.webhook').click();
  await page.getByTestId('palette-search').fill('postgres');
  await page.getByTestId('palette-item-postgres.query').click();
  await page.getByTestId('node-postgres_query').waitFor();
  await page.locator('[data-testid="rf__edge-webhook__postgres_query"]').waitFor({ state: 'attached' });
  await selectNode(page, 'postgres_query');
  await page.getByTestId('field-sql').fill(`INSERT INTO ${TABLE} (name) VALUES ($1)`);
  await page.getByTestId('field-parameters').fill('["{{ trigger.body.name }}"]');
  await page.getByTestId('credential-picker-db').selectOption({ label: 'Test database' });
  await page.getByTestId('save-button').click();
  await page.getByTestId('editor-message').filter({ hasText: /Saved/ }).waitFor();
  await page.getByTestId('publish-button').click();
  await page
    .getByTestId('editor-message')
    .filter({ hasText: /Published version 1/ })
    .waitFor();
  const webhookUrl = (await page.getByTestId('webhook-url').textContent())?.trim() ?? '';

  const name = `Ada ${randomBytes(3).toString('hex')}`;
  const sent = await fetch(webhookUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name }),
  });
  assert.equal(sent.status, 202);
  const { runId } = (await sent.json()) as { runId: string };
  await page.goto(`${product.baseUrl}/runs/${runId}`);
  const finished = page.locator(
    '[data-testid="run-view"]:is([data-run-status="succeeded"], [data-run-status="failed"])',
  );
  await finished.waitFor({ timeout: 30_000 });
  const status = await finished.getAttribute('data-run-status');
  const header = (await finished.locator('header > *').allTextContents()).join(' ');
  assert.equal(status, 'succeeded', `the run did not succeed: ${header}`);

  const rows = await sql.query<{ name: string }>(`SELECT name FROM ${TABLE}`);
  assert.deepEqual(
    rows.rows.map((row) => row.name),
    [name],
  );

  // The password reached the worker (the database let it in), never the builder: not in the pages they saw, not in
  // what the API gives them.
  const seen: string[] = [await page.content()];
  await page.goto(`${product.baseUrl}/credentials`);
  await page.getByTestId('credential-row-Test database').waitFor();
  seen.push(await page.content());
  const request = page.context().request;
  const credentials = await request.get(`${product.baseUrl}/api/credentials`);
  seen.push(await credentials.text());
  const id = ((await credentials.json()) as { items: { id: string; name: string }[] }).items.find(
    (item) => item.name === 'Test database',
  )?.id;
  assert.ok(id);
  const detail = await request.get(`${product.baseUrl}/api/credentials/${id}`);
  assert.equal(detail.status(), 403, 'builders cannot open a credential');
  seen.push(await detail.text(), await (await request.get(`${product.baseUrl}/api/runs/${runId}`)).text());
  assert.deepEqual(
    seen.filter((text) => text.includes(PASSWORD)),
    [],
  );
  await page.close();
});
