import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { getTestStack, uniqueName } from '@pipewright/devstack';
import { createKeyring } from '@pipewright/secrets';
import { type ContractViolation, createApp, printContractViolation, stopBackgroundJobs } from '@pipewright/server';
import { type StartWorkerOptions, startWorker } from '@pipewright/worker';
import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import { type Db, MongoClient } from 'mongodb';
import type { Page } from 'playwright-core';

export interface Product {
  baseUrl: string;
  temporal: Client;
  /** The product's MongoDB database (on the suite's FerretDB): for specs that must look underneath the API. */
  db: Db;
  /** The first user (admin), signed up when the product started. */
  admin: { email: string; password: string };
  /** An admin API token (`pw_…`) for setting things up from the test. */
  token: string;
  /** fetch against the product with the admin token (JSON content type when there is a body). */
  api(path: string, init?: RequestInit): Promise<Response>;
  stop(): Promise<void>;
}

const ADMIN = { email: 'admin@example.test', password: 'e2e password 123' };

/** Signs up the first user (creating the workspace) and creates an API token with their session. */
export async function signUpAdmin(
  baseUrl: string,
  account: { email: string; password: string; name: string; workspaceName: string } = {
    ...ADMIN,
    name: 'E2E Admin',
    workspaceName: 'E2E',
  },
): Promise<string> {
  const signup = await fetch(`${baseUrl}/api/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(account),
  });
  if (signup.status !== 201) throw new Error(`sign-up answered ${signup.status}: ${await signup.text()}`);
  const cookie = (signup.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const created = await fetch(`${baseUrl}/api/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie, 'x-requested-with': 'pipewright' },
    body: JSON.stringify({ name: 'e2e' }),
  });
  if (created.status !== 201) throw new Error(`token creation answered ${created.status}: ${await created.text()}`);
  return ((await created.json()) as { token: string }).token;
}

/** Signs the browser in through the login page, as a user would. */
export async function signIn(page: Page, product: Product): Promise<void> {
  await page.goto(`${product.baseUrl}/login`);
  await page.getByTestId('login-email').fill(product.admin.email);
  await page.getByTestId('login-password').fill(product.admin.password);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('logout-button').waitFor();
}

/**
 * The whole product for a browser test or a benchmark: the suite's Temporal + FerretDB, a worker on its own task
 * queue, and the server (serving the built web from web/dist) on a free port.
 */
export async function startProduct(
  options: { signUp?: boolean; rateLimits?: StartWorkerOptions['rateLimits'] } = {},
): Promise<Product> {
  const stack = await getTestStack();
  const taskQueue = uniqueName('tq');
  const dbName = uniqueName('e2e');
  // A throwaway master key, shared by the server (seals credentials) and the worker (opens them).
  const keyring = createKeyring({ keys: [{ id: 'e2e', key: randomBytes(32) }], primary: 'e2e' });
  const worker = await startWorker({
    temporalAddress: stack.temporalAddress,
    taskQueue,
    mongo: { uri: stack.mongoUri, dbName },
    keyring,
    // The specs call echo services on 127.0.0.1: production workers keep private networks closed.
    http: { allowPrivateNetworks: true },
    ...(options.rateLimits ? { rateLimits: options.rateLimits } : {}),
  });
  const mongo = await MongoClient.connect(stack.mongoUri);
  const connection = await Connection.connect({ address: stack.temporalAddress });
  const temporal = new Client({ connection });
  const violations: ContractViolation[] = [];
  const app = await createApp({
    db: mongo.db(dbName),
    temporal,
    taskQueue,
    keyring,
    webDistDir: resolve(import.meta.dirname, '../../web/dist'),
    // As a deployed server: alert rules are evaluated (often, so a spec sees an alert within a second or two).
    evaluateAlerts: true,
    alertsEveryMs: 500,
    // What the browser is answered is checked against the API contract's response schemas; a mismatch fails the spec.
    checkResponses: (violation) => {
      printContractViolation(violation);
      violations.push(violation);
    },
  });
  const server: Server = createServer(app);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  // Without the sign-up, the first visit shows "Create your workspace" (and `token` is empty).
  const token = options.signUp === false ? '' : await signUpAdmin(baseUrl);
  return {
    baseUrl,
    temporal,
    db: mongo.db(dbName),
    admin: ADMIN,
    token,
    api(path, init = {}) {
      const headers = new Headers(init.headers);
      if (token !== '') headers.set('authorization', `Bearer ${token}`);
      if (init.body !== undefined && !headers.has('content-type')) headers.set('content-type', 'application/json');
      return fetch(`${baseUrl}${path}`, { ...init, headers });
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
      await stopBackgroundJobs(app);
      await worker.shutdown();
      await connection.close();
      await mongo.close();
      assert.deepEqual(violations, [], 'every answer matched its response schema in the API contract');
    },
  };
}

/** A local HTTP service for HTTP-request steps to call: records requests, answers JSON. */
export async function startEchoService(): Promise<{
  url: string;
  requests: { method: string; path: string; body: unknown }[];
  close(): Promise<void>;
}> {
  const requests: { method: string; path: string; body: unknown }[] = [];
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => {
      raw += chunk.toString('utf8');
    });
    req.on('end', () => {
      const body: unknown = raw ? JSON.parse(raw) : null;
      requests.push({ method: req.method ?? '', path: req.url ?? '', body });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ received: body, greeting: 'hello from the echo service' }));
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}

/**
 * A run's result once it has closed (rejecting as `result()` does when it failed).  A webhook's 202 comes once the
 * run is recorded; the server's run starter gives it to Temporal a moment later, so "not found" means "not yet".
 */
export async function runResult(
  temporal: Client,
  runId: string,
  options: { onNotYetStarted?: () => void } = {},
): Promise<unknown> {
  const handle = temporal.workflow.getHandle(runId);
  for (;;) {
    try {
      return await handle.result();
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) throw error;
    }
    options.onNotYetStarted?.();
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
