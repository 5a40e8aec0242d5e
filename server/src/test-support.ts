import { createMetricsRegistry, type Registry } from '@pipewright/metrics';
import type { AdmissionSettings } from './fairness/waiting-runs.ts';
/**
 * Test harness for the server's integration tests: the real app on the shared test stack (FerretDB + Temporal), a
 * fresh database and task queue per test file, optionally an in-process worker, and a local HTTP target for steps.
 */

import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getTestStack, uniqueName, waitFor } from '@pipewright/devstack';

export { type WaitDescription, waitFor, within } from '@pipewright/devstack';

import { createKeyring } from '@pipewright/secrets';
import { type RunningWorker, startWorker } from '@pipewright/worker';
import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import type express from 'express';
import { type Db, MongoClient } from 'mongodb';
import request from 'supertest';
import { createApp, stopBackgroundJobs } from './app.ts';
import { type SignedInUser, signUpFirstUser } from './auth/test-accounts.ts';
import type { FairnessSettings } from './config.ts';
import { printContractViolation } from './response-contract.ts';

export {
  createSignedInAgent,
  provisionWorkspace,
  type SignedInUser,
  signedInAgent,
  signUpFirstUser,
} from './auth/test-accounts.ts';

export interface Harness {
  app: express.Express;
  db: Db;
  temporal: Client;
  taskQueue: string;
  /** The server's metrics registry (what `/metrics` would serve). */
  metrics: Registry;
  /** The first user (admin of `admin.workspaceId`), signed up through the API, with an API token. */
  admin: SignedInUser;
  /** A supertest agent sending the admin's API token: what most tests call the API with. */
  api(): ReturnType<typeof request.agent>;
  /** What the server logged (the last 200 lines): for a failing test's message. */
  logs: string[];
  stop(): Promise<void>;
}

export interface HarnessOptions {
  worker: boolean;
  /** The run starter sweeps the run queue each second, as a deployed server does (main.ts). */
  sweepQueuedRuns?: boolean;
  /** Lanes and fair shares (config.ts); default on, as deployed. */
  fairness?: FairnessSettings;
  /** PIPEWRIGHT_INSTANCE_ADMINS (config.ts). */
  instanceAdmins?: string[];
  /** Ceilings of runs waiting to start (config.ts); default DEFAULT_ADMISSION. */
  admission?: AdmissionSettings;
}

export async function startHarness(options: HarnessOptions): Promise<Harness> {
  const stack = await getTestStack();
  const mongo = await new MongoClient(stack.mongoUri).connect();
  const db = mongo.db(uniqueName('test'));
  const connection = await Connection.connect({ address: stack.temporalAddress });
  const temporal = new Client({ connection });
  const taskQueue = uniqueName('tq');
  const worker: RunningWorker | undefined = options.worker
    ? await startWorker({
        temporalAddress: stack.temporalAddress,
        taskQueue,
        http: { allowPrivateNetworks: true },
        // The server's database, as in production: polling triggers keep their cursors there.
        mongo: { uri: stack.mongoUri, dbName: db.databaseName },
      })
    : undefined;
  // A throwaway master key, so credential routes work in every server test.
  const keyring = createKeyring({ keys: [{ id: 'test', key: randomBytes(32) }], primary: 'test' });
  const metrics = createMetricsRegistry('server');
  const logs: string[] = [];
  const log = (message: string, error?: unknown) => {
    logs.push(error === undefined ? message : `${message}: ${error instanceof Error ? error.message : String(error)}`);
    if (logs.length > 200) logs.shift();
  };
  const app = await createApp({
    db,
    temporal,
    taskQueue,
    keyring,
    log,
    metrics,
    sweepQueuedRuns: options.sweepQueuedRuns === true,
    ...(options.fairness === undefined ? {} : { fairness: options.fairness }),
    ...(options.instanceAdmins === undefined ? {} : { instanceAdmins: options.instanceAdmins }),
    ...(options.admission === undefined ? {} : { admission: options.admission }),
    // Every answer of every server test is checked against the API contract's response schemas.
    checkResponses: printContractViolation,
  });
  const admin = await signUpFirstUser(app);
  return {
    app,
    db,
    temporal,
    taskQueue,
    metrics,
    admin,
    api: () => request.agent(app).set('authorization', `Bearer ${admin.token}`),
    logs,
    async stop() {
      await stopBackgroundJobs(app);
      await worker?.shutdown();
      await db.dropDatabase().catch(() => {});
      await Promise.allSettled([mongo.close(), connection.close()]);
    },
  };
}

/**
 * Waits for a run's workflow to close, whichever way it ends (no sleeps).  A webhook's 202 comes once the run is
 * recorded, and the run starter gives it to Temporal a moment later (run-starter.ts): first wait for that.
 */
export async function awaitRun(temporal: Client, runId: string): Promise<void> {
  await awaitOnTemporal(temporal, runId);
  await temporal.workflow
    .getHandle(runId)
    .result()
    .catch(() => {});
}

/** Resolves once the run's workflow exists on Temporal (the run starter has handed it over). */
export async function awaitOnTemporal(temporal: Client, runId: string): Promise<void> {
  const handle = temporal.workflow.getHandle(runId);
  await waitFor(`run ${runId} to be started on Temporal`, () =>
    handle.describe().then(
      () => true,
      (error: unknown) => {
        if (error instanceof WorkflowNotFoundError) return undefined;
        throw error;
      },
    ),
  );
}

type Reply = { status: number; body: unknown };

/** A local HTTP API: each path answers with a scripted sequence of replies (the last one repeats). */
export class TargetServer {
  readonly #server: Server;
  readonly #scripts = new Map<string, Reply[]>();
  /** What reached it, in order; `at`: wall clock ms. */
  readonly requests: { path: string; method: string; body: string; at: number }[] = [];
  baseUrl = '';

  constructor() {
    this.#server = createServer((request: IncomingMessage, response: ServerResponse) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const path = request.url ?? '/';
        this.requests.push({
          path,
          method: request.method ?? 'GET',
          body: Buffer.concat(chunks).toString('utf8'),
          at: Date.now(),
        });
        const script = this.#scripts.get(path) ?? [];
        const reply = script.length > 1 ? script.shift() : script[0];
        response.writeHead(reply?.status ?? 404, { 'content-type': 'application/json' });
        response.end(JSON.stringify(reply?.body ?? { error: 'no script for this path' }));
      });
    });
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    const address = this.#server.address() as AddressInfo;
    this.baseUrl = `http://127.0.0.1:${address.port}`;
  }

  script(path: string, replies: Reply[]): string {
    this.#scripts.set(path, [...replies]);
    return `${this.baseUrl}${path}`;
  }

  async stop(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise((resolve) => this.#server.close(resolve));
  }
}

const FAST_RETRY = { maxAttempts: 3, initialIntervalMs: 50, backoffCoefficient: 1, maxIntervalMs: 50 };

/** webhook → http.request (POSTs `{ name: <trigger body name> }` to `url`), with fast retries. */
export interface TestDocument {
  schemaVersion: 1;
  nodes: {
    id: string;
    type: string;
    typeVersion: number;
    position: { x: number; y: number };
    config: Record<string, unknown>;
    settings?: unknown;
  }[];
  edges: { id: string; source: string; target: string }[];
}

export function webhookToHttpDocument(
  url: string,
  trigger: 'core.webhook' | 'core.manual' = 'core.webhook',
): TestDocument {
  return {
    schemaVersion: 1,
    nodes: [
      {
        id: 'hook',
        type: trigger,
        typeVersion: 1,
        position: { x: 0, y: 0 },
        config: trigger === 'core.webhook' ? { method: 'POST' } : {},
      },
      {
        id: 'call',
        type: 'http.request',
        typeVersion: 1,
        position: { x: 200, y: 0 },
        config: { method: 'POST', url, body: { name: '{{ trigger.body.name }}' } },
        settings: { retry: FAST_RETRY },
      },
    ],
    edges: [{ id: 'e1', source: 'hook', target: 'call' }],
  };
}
