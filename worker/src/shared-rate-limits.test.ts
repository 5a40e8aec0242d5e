import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { getTestStack, uniqueName } from '@pipewright/devstack';
import {
  type ExecutionPlan,
  type PlanNode,
  RATE_LIMITS_COLLECTION,
  type RateLimitsRecord,
  RUN_FLOW_WORKFLOW,
  type RunFlowInput,
  type RunState,
} from '@pipewright/run-contract';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { type Db, MongoClient } from 'mongodb';
import { type RunningWorker, startWorker } from './start-worker.ts';

/**
 * Rate limits shared by workers through Redis (docs/adr/019-shared-rate-limits.md): two worker processes' worth of
 * workers (each its own Temporal connection, limiter and Redis client), on two task queues so that each surely runs
 * its own run's steps, count one limit; and a workspace's own limit, set in the database, beats the workers' setting.
 */
const REDIS_URL = 'redis://127.0.0.1:6379';

/** When each call reached the local API (wall clock, compared with Temporal's event times). */
const arrivals: { path: string; at: number }[] = [];
const api = createServer((request: IncomingMessage, response: ServerResponse) => {
  arrivals.push({ path: request.url ?? '/', at: Date.now() });
  request.resume();
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end('{"ok":true}');
});

const queues = [uniqueName('rl-a'), uniqueName('rl-b')];
let baseUrl = '';
let workers: RunningWorker[] = [];
let connection: Connection;
let client: Client;
let mongo: MongoClient;
let db: Db;
let stopStack = async () => {};

before(async () => {
  await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
  const address = api.address();
  if (address === null || typeof address === 'string') throw new Error('test server has no TCP address');
  baseUrl = `http://127.0.0.1:${address.port}`;
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const stack = await getTestStack();
  stopStack = stack.stop;
  const dbName = uniqueName('shared_rl');
  mongo = await MongoClient.connect(stack.mongoUri);
  db = mongo.db(dbName);
  workers = await Promise.all(
    queues.map((taskQueue) =>
      startWorker({
        temporalAddress: stack.temporalAddress,
        taskQueue,
        mongo: { uri: stack.mongoUri, dbName },
        http: { allowPrivateNetworks: true },
        rateLimits: { http: { count: 2, per: 's' } },
        redisUrl: REDIS_URL,
      }),
    ),
  );
  connection = await Connection.connect({ address: stack.temporalAddress });
  client = new Client({ connection });
});

after(async () => {
  await Promise.all(workers.map((worker) => worker.shutdown()));
  await connection?.close();
  await mongo?.close();
  api.closeAllConnections();
  await new Promise((resolve) => api.close(resolve));
  await stopStack();
});

function plan(calls: string[], taskQueue: string): ExecutionPlan {
  const call = (id: string): PlanNode => ({
    id,
    type: 'http.request',
    typeVersion: 1,
    title: id,
    kind: 'action',
    runsIn: 'activity',
    upstream: ['start'],
    config: { url: `${baseUrl}/${id}` },
    retry: { maxAttempts: 1, initialIntervalMs: 50, backoffCoefficient: 1, maxIntervalMs: 50 },
    timeoutMs: 20_000,
    taskQueue,
  });
  return {
    planFormat: 1,
    runtimeVersion: 1,
    expressionEngine: 'jsonata@2.2.2',
    flowId: 'flow-rl',
    version: 1,
    hash: 'test',
    triggerNodeId: 'start',
    nodes: [
      { ...call('start'), type: 'core.manual', kind: 'trigger', runsIn: 'workflow', upstream: [], config: {} },
      ...calls.map(call),
    ],
  };
}

/** Steps run as regular activities from the first attempt, so their start times are in the run's history. */
function start(calls: string[], taskQueue: string, workspaceId: string): Promise<WorkflowHandle> {
  const id = uniqueName('run');
  const input: RunFlowInput = { plan: plan(calls, taskQueue), trigger: {}, run: { id, workspaceId, kind: 'manual' } };
  return client.workflow.start(RUN_FLOW_WORKFLOW, { taskQueue, workflowId: id, args: [input] });
}

/** When the first of these runs' activities started: no call can have taken a count before it. */
async function firstActivityStart(handles: WorkflowHandle[]): Promise<number> {
  const starts: number[] = [];
  for (const handle of handles) {
    const { events } = await handle.fetchHistory();
    for (const event of events ?? []) {
      if (!event.activityTaskStartedEventAttributes) continue;
      starts.push(Number(String(event.eventTime?.seconds)) * 1000 + (event.eventTime?.nanos ?? 0) / 1e6);
    }
  }
  assert.ok(starts.length > 0, 'the runs started activities');
  return Math.min(...starts);
}

/** Sorted arrival times of `ids` after `since`; each call reached the API once. */
function arrivalsOf(ids: string[], since: number): number[] {
  const seen = arrivals.filter((hit) => ids.includes(hit.path.slice(1)));
  assert.deepEqual(seen.map((hit) => hit.path.slice(1)).sort(), [...ids].sort(), 'each call reached the API once');
  return seen.map((hit) => hit.at - since).sort((x, y) => x - y);
}

/** A timer may fire a loop turn early (libuv's cached clock) and waits are rounded to whole ms. */
const TIMER_SLACK_MS = 100;

describe('rate limits shared through Redis', () => {
  test('two workers running one workspace’s steps share its http=2/s: two calls a second in all, not each', async (t) => {
    const workspaceId = uniqueName('ws');
    const calls = [
      ['a1', 'a2', 'a3'],
      ['b1', 'b2', 'b3'],
    ];
    const handles = await Promise.all(queues.map((queue, index) => start(calls[index] ?? [], queue, workspaceId)));
    const states: RunState[] = await Promise.all(handles.map((handle) => handle.result()));
    for (const state of states) assert.equal(state.status, 'succeeded');

    const times = arrivalsOf(calls.flat(), await firstActivityStart(handles));
    t.diagnostic(`arrivals after the first call started (ms): ${times.map(Math.round).join(', ')}`);
    // Counted per worker, each could pass two calls at once: four within the first second.  Shared, the first window
    // passes two calls of the six, the next two the second window (≥ 1 s later), the last two the third (≥ 2 s).
    for (const [index, at] of times.entries()) {
      const earliest = Math.floor(index / 2) * 1000;
      assert.ok(at >= earliest - TIMER_SLACK_MS, `call ${index + 1} of 6 arrived after ${Math.round(at)} ms`);
    }
    // At most two of the six pass the first window, so each worker's run had a call that waited, and says so.
    for (const [index, state] of states.entries()) {
      const waits = (calls[index] ?? []).map((id) => state.nodes[id]?.rateLimitWaitMs ?? 0);
      assert.ok(
        waits.some((ms) => ms > 0),
        `run ${index + 1} recorded a wait (${waits.join(', ')})`,
      );
    }
  });

  test('a workspace’s own limit (set by its admin) beats the workers’ setting', async (t) => {
    const workspaceId = uniqueName('ws');
    const record: RateLimitsRecord = {
      _id: workspaceId,
      limits: { http: { count: 1, per: 's' } },
      updatedAt: new Date(),
      updatedBy: 'test',
    };
    await db.collection<RateLimitsRecord>(RATE_LIMITS_COLLECTION).insertOne(record);
    const ids = ['w1', 'w2', 'w3'];
    const [queue = ''] = queues;
    const handle = await start(ids, queue, workspaceId);
    const state: RunState = await handle.result();
    assert.equal(state.status, 'succeeded');
    const times = arrivalsOf(ids, await firstActivityStart([handle]));
    t.diagnostic(`arrivals after the first call started (ms): ${times.map(Math.round).join(', ')}`);
    // The workers' 2/s would pass two calls at once; the workspace's 1/s passes one a window.
    for (const [index, at] of times.entries()) {
      assert.ok(at >= index * 1000 - TIMER_SLACK_MS, `call ${index + 1} arrived after ${Math.round(at)} ms`);
    }
  });
});
