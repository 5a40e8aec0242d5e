import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { getTestStack, uniqueName } from '@pipewright/devstack';
import {
  type ExecutionPlan,
  finalStateOfFailure,
  type PlanNode,
  RUN_FLOW_WORKFLOW,
  type RunFlowInput,
  type RunState,
} from '@pipewright/run-contract';
import { createKeyring, sealCredential } from '@pipewright/secrets';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { type Db, MongoClient } from 'mongodb';
import { type RunningWorker, startWorker } from './start-worker.ts';

/** What the local API saw: path, when (ms, wall clock: compared with Temporal's event times) and the Authorization header. */
const hits: { path: string; at: number; authorization?: string }[] = [];
const server = createServer((request: IncomingMessage, response: ServerResponse) => {
  const path = request.url ?? '/';
  hits.push({
    path,
    at: Date.now(),
    ...(request.headers.authorization ? { authorization: request.headers.authorization } : {}),
  });
  request.resume();
  if (path === '/busy' && hits.filter((hit) => hit.path === '/busy').length === 1) {
    response.writeHead(429, { 'retry-after': '1', 'content-type': 'application/json' });
    response.end(JSON.stringify({ error: 'slow down' }));
    return;
  }
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end(JSON.stringify({ ok: true, path }));
});

const keyring = createKeyring({ keys: [{ id: 'test', key: randomBytes(32) }], primary: 'test' });
const openQueue = uniqueName('http-open');
const closedQueue = uniqueName('http-closed');
let baseUrl = '';
let open: RunningWorker;
let closed: RunningWorker;
let connection: Connection;
let client: Client;
let mongo: MongoClient;
let db: Db;
let stopStack = async () => {};

before(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('test server has no TCP address');
  baseUrl = `http://127.0.0.1:${address.port}`;
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const stack = await getTestStack();
  stopStack = stack.stop;
  const dbName = uniqueName('http_guard');
  mongo = await MongoClient.connect(stack.mongoUri);
  db = mongo.db(dbName);
  // A development worker (private networks open) with a tight http limit, and a production-default one.
  open = await startWorker({
    temporalAddress: stack.temporalAddress,
    taskQueue: openQueue,
    http: { allowPrivateNetworks: true },
    rateLimits: { http: { count: 2, per: 's' } },
  });
  closed = await startWorker({
    temporalAddress: stack.temporalAddress,
    taskQueue: closedQueue,
    mongo: { uri: stack.mongoUri, dbName },
    keyring,
  });
  connection = await Connection.connect({ address: stack.temporalAddress });
  client = new Client({ connection });
});

after(async () => {
  await Promise.all([open?.shutdown(), closed?.shutdown()]);
  await connection?.close();
  await mongo?.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await stopStack();
});

function httpNode(id: string, taskQueue: string, config: Record<string, unknown>): PlanNode {
  return {
    id,
    type: 'http.request',
    typeVersion: 1,
    title: id,
    kind: 'action',
    runsIn: 'activity',
    upstream: ['start'],
    config,
    retry: { maxAttempts: 3, initialIntervalMs: 50, backoffCoefficient: 1, maxIntervalMs: 50 },
    timeoutMs: 20_000,
    taskQueue,
  };
}

function plan(nodes: PlanNode[]): ExecutionPlan {
  return {
    planFormat: 1,
    runtimeVersion: 1,
    expressionEngine: 'jsonata@2.2.2',
    flowId: 'flow-http',
    version: 1,
    hash: 'test',
    triggerNodeId: 'start',
    nodes: [
      { ...httpNode('start', openQueue, {}), type: 'core.manual', kind: 'trigger', runsIn: 'workflow', upstream: [] },
      ...nodes,
    ],
  };
}

/**
 * `localFirstAttempt: false` starts a run as runs of older code were: steps are regular activities from the first
 * attempt, so their start times are in history (the rate-limit test measures the calls' spacing from there).
 */
function start(executionPlan: ExecutionPlan, workspaceId: string, localFirstAttempt = true): Promise<WorkflowHandle> {
  const id = uniqueName('run');
  const input: RunFlowInput = {
    plan: executionPlan,
    trigger: {},
    run: { id, workspaceId, kind: 'manual' },
    ...(localFirstAttempt ? { localTaskQueue: openQueue } : {}),
  };
  return client.workflow.start(RUN_FLOW_WORKFLOW, { taskQueue: openQueue, workflowId: id, args: [input] });
}

async function run(executionPlan: ExecutionPlan, workspaceId: string): Promise<RunState> {
  return (await start(executionPlan, workspaceId)).result().then(
    (state: RunState) => state,
    (error: unknown) => {
      const state = finalStateOfFailure(error);
      if (!state) throw error;
      return state;
    },
  );
}

/** When the first of the run's activities started (wall clock, from its history): before any of them took a token. */
async function firstActivityStart(handle: WorkflowHandle): Promise<number> {
  const { events } = await handle.fetchHistory();
  const starts = (events ?? [])
    .filter((event) => event.activityTaskStartedEventAttributes)
    .map((event) => Number(String(event.eventTime?.seconds)) * 1000 + (event.eventTime?.nanos ?? 0) / 1e6);
  assert.ok(starts.length > 0, 'the run started activities');
  return Math.min(...starts);
}

/** A limiter's timer may fire a loop turn early (libuv's cached clock) and waits are rounded to whole ms. */
const TIMER_SLACK_MS = 100;

describe('HTTP steps: per-workspace rate limit', () => {
  test('5 parallel calls under http=2/s all succeed, reach the API two a second, and record their waits', async (t) => {
    const ids = ['c1', 'c2', 'c3', 'c4', 'c5'];
    const handle = await start(
      plan(ids.map((id) => httpNode(id, openQueue, { url: `${baseUrl}/limited/${id}` }))),
      uniqueName('ws'),
      false,
    );
    const state: RunState = await handle.result();
    assert.equal(state.status, 'succeeded');
    const firstStart = await firstActivityStart(handle);
    const arrivals = new Map(
      hits
        .filter((hit) => hit.path.startsWith('/limited/c'))
        .map((hit) => [hit.path.slice('/limited/'.length), hit.at]),
    );
    assert.deepEqual([...arrivals.keys()].sort(), ids, 'each call reached the API once');
    // Two calls a 1 s window, the first window opened by the first call: however the worker scheduled the five
    // calls, the third and fourth cannot reach the API sooner than 1 s after the first call started, the fifth 2 s.
    const times = [...arrivals.values()].map((at) => at - firstStart).sort((x, y) => x - y);
    t.diagnostic(`arrivals after the first call started (ms): ${times.map(Math.round).join(', ')}`);
    for (const [index, at] of times.entries()) {
      const earliest = Math.floor(index / 2) * 1000;
      assert.ok(at >= earliest - TIMER_SLACK_MS, `request ${index + 1} arrived after ${Math.round(at)} ms`);
    }
    // The calls the limiter held say how long; a wait is real: that request reached the API no sooner.
    const waits = ids.map((id) => state.nodes[id]?.rateLimitWaitMs ?? 0);
    t.diagnostic(`rateLimitWaitMs: ${waits.join(', ')}`);
    // None waits only if the worker itself started the calls a window apart: five calls scheduled in one workflow task.
    assert.ok(
      waits.some((ms) => ms > 0),
      'the calls beyond the window’s two waited and recorded it',
    );
    for (const [index, id] of ids.entries()) {
      const at = Number(arrivals.get(id)) - firstStart;
      assert.ok(at >= (waits[index] ?? 0) - TIMER_SLACK_MS, `${id} waited ${waits[index]} ms, arrived after ${at} ms`);
    }
  });

  test('another workspace has its own count', async () => {
    const state = await run(plan([httpNode('solo', openQueue, { url: `${baseUrl}/limited/solo` })]), uniqueName('ws'));
    assert.equal(state.status, 'succeeded');
    assert.equal(state.nodes.solo?.rateLimitWaitMs, undefined);
  });
});

describe('HTTP steps: 429 + Retry-After', () => {
  test('a 429 with Retry-After: 1 is retried after about a second, not the 50 ms backoff', async (t) => {
    const state = await run(plan([httpNode('busy', openQueue, { url: `${baseUrl}/busy` })]), uniqueName('ws'));
    assert.equal(state.status, 'succeeded');
    assert.equal(state.nodes.busy?.attempts, 2);
    const [first, second] = hits.filter((hit) => hit.path === '/busy').map((hit) => hit.at);
    assert.ok(first !== undefined && second !== undefined);
    assert.ok(second - first >= 900, `retried after ${Math.round(second - first)} ms`);
    t.diagnostic(`retried after ${Math.round(second - first)} ms`);
  });
});

describe('HTTP steps: SSRF guard on a production-default worker', () => {
  async function credential(network?: Record<string, unknown>): Promise<string> {
    const id = `cred_${randomBytes(6).toString('hex')}`;
    await db.collection<{ _id: string } & Record<string, unknown>>('credentials').insertOne({
      _id: id,
      workspaceId: 'ws-guard',
      name: id,
      type: 'bearerToken',
      typeVersion: 1,
      sealed: sealCredential(keyring, { token: 'tok-internal-123' }, { workspaceId: 'ws-guard', credentialId: id }),
      version: 1,
      createdAt: new Date(),
      updatedAt: new Date(),
      lastUsedAt: null,
      ...(network ? { network } : {}),
    });
    return id;
  }

  test('a request to 127.0.0.1 is refused at once, naming the address and who can allow it', async () => {
    const before = hits.length;
    const state = await run(plan([httpNode('call', closedQueue, { url: `${baseUrl}/internal` })]), 'ws-guard');
    assert.equal(state.status, 'failed');
    assert.equal(state.nodes.call?.attempts, 1);
    assert.equal(
      state.nodes.call?.error?.message,
      'Blocked request to 127.0.0.1 (loopback) — an admin can allow private networks on the credential used by this node',
    );
    assert.equal(hits.length, before, 'nothing reached the server');
  });

  test('a credential without network settings does not open private networks', async () => {
    const auth = await credential();
    const state = await run(
      plan([httpNode('call', closedQueue, { url: `${baseUrl}/internal`, credentials: { auth } })]),
      'ws-guard',
    );
    assert.equal(state.status, 'failed');
    assert.match(state.nodes.call?.error?.message ?? '', /^Blocked request to 127\.0\.0\.1/);
  });

  test('a credential an admin opened to private networks lets its node through, with its bearer token', async () => {
    const auth = await credential({ allowPrivate: true, allowedHosts: ['127.0.0.1'] });
    const state = await run(
      plan([httpNode('call', closedQueue, { url: `${baseUrl}/internal/allowed`, credentials: { auth } })]),
      'ws-guard',
    );
    assert.equal(state.status, 'succeeded', JSON.stringify(state.nodes.call?.error));
    assert.equal(hits.at(-1)?.path, '/internal/allowed');
    assert.equal(hits.at(-1)?.authorization, 'Bearer tok-internal-123');
    // …but metadata stays closed with the same credential.
    const metadata = await run(
      plan([httpNode('call', closedQueue, { url: 'http://169.254.169.254/latest/meta-data/', credentials: { auth } })]),
      'ws-guard',
    );
    assert.equal(metadata.status, 'failed');
    assert.match(
      metadata.nodes.call?.error?.message ?? '',
      /^Blocked request to 169\.254\.169\.254 \(cloud metadata\)/,
    );
  });
});
