/**
 * Test harness for credential tests: the real app (with a keyring and extra test steps) on the shared test stack,
 * optionally an in-process worker that resolves credentials from the same database, and a local HTTP API that
 * echoes the Authorization header it receives (status chosen by path: /ok → 200, /fail → 500, /check → 200 only
 * for the expected token).
 */

import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { builtinStepDefinitions } from '@pipewright/builtin-steps';
import { getTestStack, uniqueName } from '@pipewright/devstack';
import { createKeyring, type Keyring } from '@pipewright/secrets';
import {
  type AnyStepDefinition,
  bearerTokenCredential,
  defineCredential,
  defineStep,
  readCredential,
  StepError,
} from '@pipewright/step-sdk';
import { type RunningWorker, startWorker } from '@pipewright/worker';
import { Client, Connection } from '@temporalio/client';
import type express from 'express';
import { type Db, MongoClient } from 'mongodb';
import request from 'supertest';
import { z } from 'zod';
import { createApp } from '../app.ts';
import { type SignedInUser, signUpFirstUser } from '../auth/test-accounts.ts';
import { printContractViolation } from '../response-contract.ts';

export const newMasterKey = (id: string) => ({ id, key: randomBytes(32) });

/** A credential type with a `test()` that calls the echo server's /check; its error names the token on purpose. */
export const echoCheckCredential = defineCredential({
  type: 'testEchoCheck',
  version: 1,
  title: 'Echo check',
  description: 'A token checked against a local server',
  fields: z.object({ url: z.string(), token: z.string().min(1) }),
  secretFields: ['token'],
  async test(values, ctx) {
    const response = await ctx.http.request({
      method: 'GET',
      url: `${values.url}/check`,
      headers: { authorization: `Bearer ${values.token}` },
    });
    if (response.status !== 200)
      throw new StepError(`the server refused token ${values.token}: ${response.body}`, { retryable: false });
  },
});

/**
 * An HTTP-style action using a bearer-token credential.  It logs the token (a careless step), sends it, returns
 * the echoed response, and on a 500 fails with the response (which contains the token) in its message and details
 * — or, with `throwPlain`, throws a plain Error naming the token.
 */
export const bearerCallStep = defineStep({
  type: 'test.bearerCall',
  version: 1,
  kind: 'action',
  title: 'Bearer call',
  description: 'Calls a URL with a bearer token',
  credentials: { auth: bearerTokenCredential },
  input: z.object({ url: z.string(), throwPlain: z.boolean().default(false) }),
  output: z.object({ status: z.number(), body: z.unknown(), sentHeader: z.string() }),
  async run(input, ctx) {
    const { token } = await readCredential(ctx.credentials, 'auth', bearerTokenCredential);
    ctx.log.info(`calling ${input.url} with token ${token}`, { token });
    const response = await ctx.http.request({
      method: 'GET',
      url: input.url,
      headers: { authorization: `Bearer ${token}` },
    });
    const body: unknown = JSON.parse(response.body);
    if (response.status >= 400) {
      if (input.throwPlain) throw new Error(`plain failure while using ${token}`);
      throw new StepError(`the server answered ${response.status}: ${response.body}`, {
        retryable: false,
        details: { body },
      });
    }
    return { status: response.status, body, sentHeader: `Bearer ${token}` };
  },
});

export interface CredentialsHarness {
  app: express.Express;
  db: Db;
  temporal: Client;
  keyring: Keyring;
  admin: SignedInUser;
  echoUrl: string;
  api(): ReturnType<typeof request.agent>;
  /** The app again on the same database, with another keyring (a rolled server during a key rotation). */
  appWith(keyring: Keyring): Promise<express.Express>;
  stop(): Promise<void>;
}

export async function startCredentialsHarness(options: {
  worker: boolean;
  keyring?: Keyring;
  /** Captures the app's error log (the canary test searches it). */
  log?: (message: string, error: unknown) => void;
  /** The echo server accepts this token at /check. */
  expectedToken?: string;
  /** More step types for the app and the worker (e.g. one using an OAuth2 credential). */
  extraSteps?: AnyStepDefinition[];
}): Promise<CredentialsHarness> {
  const stack = await getTestStack();
  const mongo = await new MongoClient(stack.mongoUri).connect();
  const dbName = uniqueName('cred');
  const db = mongo.db(dbName);
  const connection = await Connection.connect({ address: stack.temporalAddress });
  const temporal = new Client({ connection });
  const taskQueue = uniqueName('tq');
  const keyring = options.keyring ?? createKeyring({ keys: [newMasterKey('k1')], primary: 'k1' });
  const steps: AnyStepDefinition[] = [
    ...builtinStepDefinitions,
    bearerCallStep,
    { ...bearerCallStep, type: 'test.echoCheckHolder', credentials: { check: echoCheckCredential } },
    ...(options.extraSteps ?? []),
  ];
  const echo = await startEchoServer(options.expectedToken);
  const worker: RunningWorker | undefined = options.worker
    ? await startWorker({
        temporalAddress: stack.temporalAddress,
        taskQueue,
        steps,
        keyring,
        mongo: { uri: stack.mongoUri, dbName },
        http: { allowPrivateNetworks: true },
      })
    : undefined;
  const make = (ring: Keyring) =>
    createApp({
      db,
      temporal,
      taskQueue,
      keyring: ring,
      steps,
      log: options.log ?? (() => {}),
      checkResponses: printContractViolation,
    });
  const app = await make(keyring);
  const admin = await signUpFirstUser(app);
  return {
    app,
    db,
    temporal,
    keyring,
    admin,
    echoUrl: echo.url,
    api: () => request.agent(app).set('authorization', `Bearer ${admin.token}`),
    appWith: make,
    async stop() {
      await worker?.shutdown();
      await db.dropDatabase().catch(() => {});
      echo.server.closeAllConnections();
      await new Promise((resolve) => echo.server.close(resolve));
      await Promise.allSettled([mongo.close(), connection.close()]);
    },
  };
}

async function startEchoServer(expectedToken: string | undefined): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const authorization = req.headers.authorization ?? '';
    const path = req.url ?? '/';
    const status = path.startsWith('/fail')
      ? 500
      : path.startsWith('/check') && authorization !== `Bearer ${expectedToken}`
        ? 401
        : 200;
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ path, authorization }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}` };
}
