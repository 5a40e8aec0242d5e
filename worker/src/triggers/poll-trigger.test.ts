import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { getTestStack, uniqueName } from '@pipewright/devstack';
import {
  type ExecutionPlan,
  FLOW_ID,
  flowCoordinatorWorkflowId,
  KEYED_RUN_SIGNAL_NAME,
  type PlanNode,
  POLL_TRIGGER_WORKFLOW,
  type PollTriggerInput,
  pollScheduleIdOf,
  type RunState,
  WORKSPACE_ID,
} from '@pipewright/run-contract';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { MongoClient } from 'mongodb';
import { type RunningWorker, startWorker } from '../start-worker.ts';
import { waitFor, within } from '../test-support.ts';
import { POLL_CURSORS_COLLECTION } from './contract.ts';

/** A feed that lists [a, b] on the first GET and [a, b, c] from then on; it counts the GETs. */
let gets = 0;
const getListeners: Array<() => void> = [];
const feed = createServer((_request, response) => {
  gets += 1;
  const items = [
    { id: 'a', title: 'first' },
    { id: 'b', title: 'second' },
  ];
  if (gets > 1) items.push({ id: 'c', title: 'third' });
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end(JSON.stringify(items));
  for (const listener of getListeners.splice(0)) listener();
});

const taskQueue = uniqueName('poll-test');
const dbName = uniqueName('poll_db');
let worker: RunningWorker;
let connection: Connection;
let client: Client;
let mongo: MongoClient;
let feedUrl = '';
let stopStack = async () => {};

before(async () => {
  await new Promise<void>((resolve) => feed.listen(0, '127.0.0.1', resolve));
  const address = feed.address();
  if (address === null || typeof address === 'string') throw new Error('feed has no TCP address');
  feedUrl = `http://127.0.0.1:${address.port}/items`;
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const stack = await getTestStack();
  stopStack = stack.stop;
  worker = await startWorker({
    temporalAddress: stack.temporalAddress,
    taskQueue,
    mongo: { uri: stack.mongoUri, dbName },
    http: { allowPrivateNetworks: true },
  });
  connection = await Connection.connect({ address: stack.temporalAddress });
  client = new Client({ connection });
  mongo = await MongoClient.connect(stack.mongoUri);
});

after(async () => {
  await worker?.shutdown();
  await connection?.close();
  await mongo?.close();
  feed.closeAllConnections();
  await new Promise((resolve) => feed.close(resolve));
  await stopStack();
});

function node(id: string, fields: Partial<PlanNode>): PlanNode {
  return {
    id,
    type: 'core.transform',
    typeVersion: 1,
    title: id,
    kind: 'transform',
    runsIn: 'workflow',
    upstream: [],
    config: {},
    retry: { maxAttempts: 1, initialIntervalMs: 50, backoffCoefficient: 1, maxIntervalMs: 50 },
    timeoutMs: 10_000,
    taskQueue,
    ...fields,
  };
}

const nextGet = () => new Promise<void>((resolve) => getListeners.push(resolve));

async function pollRunIds(flowId: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const info of client.workflow.list({ query: `FlowId = '${flowId}' AND RunTrigger = 'poll'` })) {
    ids.push(info.workflowId);
  }
  return ids.sort();
}

test('an http.poll flow starts exactly one run per new item across polls, with the item as trigger output', async () => {
  const flowId = uniqueName('flow_poll');
  const plan: ExecutionPlan = {
    planFormat: 1,
    runtimeVersion: 1,
    expressionEngine: 'jsonata@2.2.2',
    flowId,
    version: 1,
    hash: 'test',
    triggerNodeId: 'feed',
    nodes: [
      node('feed', {
        type: 'http.poll',
        kind: 'trigger',
        config: { url: feedUrl, idField: 'id', intervalSeconds: 1 },
      }),
      node('shape', { upstream: ['feed'], config: { fields: [{ name: 'title', value: '{{ trigger.title }}' }] } }),
    ],
  };
  // The schedule the server keeps for a published polling flow (server/src/schedules/poll-schedules.ts), made here directly:
  // this test is about what the worker's pollTrigger does across polls.
  const args: PollTriggerInput = { plan, workspaceId: 'ws-poll', flowName: 'Feed' };
  const schedule = await client.schedule.create({
    scheduleId: pollScheduleIdOf(flowId),
    spec: { intervals: [{ every: 1000 }] },
    action: {
      type: 'startWorkflow',
      workflowType: POLL_TRIGGER_WORKFLOW,
      taskQueue,
      workflowId: `poll_${flowId}`,
      args: [args],
      typedSearchAttributes: [
        { key: WORKSPACE_ID, value: 'ws-poll' },
        { key: FLOW_ID, value: flowId },
      ],
    },
    policies: { overlap: 'SKIP' },
    state: { triggerImmediately: true },
  });
  try {
    // Each poll GETs the feed, then starts a run per new item: list the runs after every poll.
    let seen = 0;
    const ids = await waitFor(
      () => `3 poll runs of ${flowId} (saw ${seen})`,
      async () => {
        await within('the next poll of the feed', nextGet());
        const found = await pollRunIds(flowId);
        seen = found.length;
        return found.length >= 3 ? found : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 0 },
    );
    // Two more polls see a, b and c again: still 3 runs.
    await within('two more polls of the feed', nextGet().then(nextGet));
    await new Promise((resolve) => setImmediate(resolve));
    const settled = await client.schedule.getHandle(`poll_${flowId}`).describe();
    for (const action of settled.info.runningActions) {
      await client.workflow.getHandle(action.workflow.workflowId, action.workflow.firstExecutionRunId).result();
    }
    assert.equal((await pollRunIds(flowId)).length, 3);
    const titles: string[] = [];
    for (const id of ids) {
      const state: RunState = await client.workflow.getHandle(id).result();
      assert.equal(state.status, 'succeeded');
      const output = state.nodes.shape?.output as { title: string };
      titles.push(output.title);
    }
    assert.deepEqual(titles.sort(), ['first', 'second', 'third']);
    const cursor = await mongo
      .db(dbName)
      .collection(POLL_CURSORS_COLLECTION)
      .findOne({ _id: flowId as never });
    assert.deepEqual(cursor?.seen, ['a', 'b', 'c']);
    assert.equal(cursor?.workspaceId, 'ws-poll');
  } finally {
    await schedule.delete();
  }
});

test('an http.poll flow limited to 1 run at once: its 4 items wait in line, never 2 calls open, all 4 succeed', async () => {
  // A feed of 4 items, and a target holding every call until released (then answering each a little later).
  const items = [1, 2, 3, 4].map((n) => ({ id: `item-${n}`, n }));
  const itemFeed = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(items));
  });
  let open = 0;
  let mostOpen = 0;
  let holding = true;
  const held: Array<() => void> = [];
  const called: unknown[] = [];
  const target = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      called.push((JSON.parse(Buffer.concat(chunks).toString('utf8')) as { n: unknown }).n);
      open += 1;
      mostOpen = Math.max(mostOpen, open);
      const answer = () => {
        open -= 1;
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end('{"ok":true}');
      };
      if (holding) held.push(answer);
      else setTimeout(answer, 20);
    });
  });
  const urlOf = async (server: Server, path: string) => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`;
  };
  const [itemsUrl, targetUrl] = [await urlOf(itemFeed, '/items'), await urlOf(target, '/call')];
  const flowId = uniqueName('flow_poll');
  const plan: ExecutionPlan = {
    planFormat: 1,
    runtimeVersion: 1,
    expressionEngine: 'jsonata@2.2.2',
    flowId,
    version: 1,
    hash: 'test',
    triggerNodeId: 'feed',
    maxConcurrentRuns: 1,
    nodes: [
      node('feed', {
        type: 'http.poll',
        kind: 'trigger',
        config: { url: itemsUrl, idField: 'id', intervalSeconds: 1 },
      }),
      node('call', {
        type: 'http.request',
        kind: 'action',
        runsIn: 'activity',
        upstream: ['feed'],
        config: { method: 'POST', url: targetUrl, body: { n: '{{ trigger.n }}' } },
        timeoutMs: 120_000,
      }),
    ],
  };
  const args: PollTriggerInput = { plan, workspaceId: 'ws-poll', flowName: 'Limited feed' };
  const schedule = await client.schedule.create({
    scheduleId: pollScheduleIdOf(flowId),
    spec: { intervals: [{ every: 1000 }] },
    action: {
      type: 'startWorkflow',
      workflowType: POLL_TRIGGER_WORKFLOW,
      taskQueue,
      workflowId: `poll_${flowId}`,
      args: [args],
    },
    policies: { overlap: 'SKIP' },
    state: { triggerImmediately: true },
  });
  try {
    const coordinator = client.workflow.getHandle(flowCoordinatorWorkflowId('ws-poll', flowId));
    await waitFor(
      'the 4 items to be handed to the flow coordinator while one call is held',
      async () => {
        let handed = 0;
        try {
          const { events } = await coordinator.fetchHistory();
          handed = (events ?? []).filter(
            (event) => event.workflowExecutionSignaledEventAttributes?.signalName === KEYED_RUN_SIGNAL_NAME,
          ).length;
        } catch (error) {
          // Not started before the first item is handed over.
          if ((error as { code?: unknown }).code !== 5 /* NOT_FOUND */) throw error;
        }
        return handed === 4 && open === 1 ? true : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 100 },
    );
    assert.equal(mostOpen, 1, 'a second call never started while one was held');
    holding = false;
    for (const answer of held.splice(0)) answer();
    const ids = await waitFor(
      'the 4 poll runs to be started',
      async () => {
        const found = await pollRunIds(flowId);
        return found.length === 4 ? found : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 200 },
    );
    const states: RunState[] = await Promise.all(ids.map((id) => client.workflow.getHandle(id).result()));
    assert.deepEqual(
      states.map((state) => state.status),
      ['succeeded', 'succeeded', 'succeeded', 'succeeded'],
    );
    assert.deepEqual(called.map(Number).sort(), [1, 2, 3, 4], 'one call per item');
    assert.equal(mostOpen, 1, 'never more than 1 call open at once');
  } finally {
    await schedule.delete();
    for (const server of [itemFeed, target]) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  }
});
