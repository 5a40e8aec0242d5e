import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { after, before, test } from 'node:test';
import { getTestStack, uniqueName } from '@pipewright/devstack';
import { type ExecutionPlan, RUN_FLOW_WORKFLOW, type RunFlowInput, type RunState } from '@pipewright/run-contract';
import { isBlobRef } from '@pipewright/runtime';
import type { Client } from '@temporalio/client';
import { MongoClient } from 'mongodb';
import {
  closeLocally,
  compileTestFlow,
  finalState,
  listenLocally,
  startTestWorker,
  type TestWorker,
} from './test-support.ts';

/**
 * Large data by reference (docs/architecture.md, decision 5) on the real stack: a 3 MB JSON body is fetched,
 * transformed and posted on, with a 64 KB inline limit — so the body never enters Temporal history, only a reference
 * does.
 */
const ITEMS = 30_000;
const bigBody = {
  items: Array.from({ length: ITEMS }, (_, i) => ({ id: i, name: `item number ${i}`, price: i % 100 })),
};
const bigJson = JSON.stringify(bigBody);
let received: unknown;
const server = createServer((request: IncomingMessage, response: ServerResponse) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    response.writeHead(200, { 'content-type': 'application/json' });
    if (request.url === '/big') return response.end(bigJson);
    received = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    response.end(JSON.stringify({ stored: true }));
  });
});

const taskQueue = uniqueName('large-data');
const dbName = uniqueName('large_data');
let baseUrl = '';
let harness: TestWorker;
let client: Client;
let mongo: MongoClient;

before(async () => {
  baseUrl = await listenLocally(server);
  const stack = await getTestStack();
  harness = await startTestWorker(taskQueue, { mongo: { uri: stack.mongoUri, dbName, inlineLimitBytes: 64 * 1024 } });
  client = harness.client;
  mongo = await MongoClient.connect(stack.mongoUri);
});

after(async () => {
  await harness?.stop();
  await mongo?.db(dbName).dropDatabase();
  await mongo?.close();
  await closeLocally(server);
});

function plan(): ExecutionPlan {
  return compileTestFlow({
    flowId: 'large',
    taskQueue,
    nodes: [
      { id: 'hook', type: 'core.webhook' },
      { id: 'fetch', type: 'http.request', config: { method: 'GET', url: `${baseUrl}/big` } },
      {
        id: 'summary',
        type: 'core.transform',
        config: {
          fields: [
            { name: 'count', value: '{{ $count(steps.fetch.body.items) }}' },
            { name: 'total', value: '{{ $sum(steps.fetch.body.items.price) }}' },
            { name: 'status', value: '{{ steps.fetch.status }}' },
          ],
        },
      },
      {
        id: 'post',
        type: 'http.request',
        config: { method: 'POST', url: `${baseUrl}/store`, body: '{{ steps.fetch.body }}' },
      },
    ],
    edges: [
      ['hook', 'fetch'],
      ['fetch', 'summary'],
      ['summary', 'post'],
    ],
  });
}

test('a 3 MB body is fetched, transformed and posted on while history holds only references', async () => {
  const workflowId = uniqueName('run_large');
  const input: RunFlowInput = {
    plan: plan(),
    trigger: { body: {} },
    run: { id: workflowId, workspaceId: 'w', kind: 'manual' },
    localTaskQueue: taskQueue,
  };
  const handle = await client.workflow.start(RUN_FLOW_WORKFLOW, { taskQueue, workflowId, args: [input] });
  const state = (await handle.result()) as RunState;

  assert.equal(state.status, 'succeeded', JSON.stringify(state.error));
  const fetched = state.nodes.fetch?.output as { status: number; body: unknown };
  assert.equal(fetched.status, 200, 'small fields stay readable inline');
  assert.ok(isBlobRef(fetched.body), 'the body is kept by reference');
  const expectedTotal = bigBody.items.reduce((sum, item) => sum + item.price, 0);
  assert.deepEqual(state.nodes.summary?.output, { count: ITEMS, total: expectedTotal, status: 200 });
  assert.deepEqual(received, bigBody, 'the next step received the whole body');

  const history = await handle.fetchHistory();
  const historyBytes = JSON.stringify(history).length;
  assert.ok(historyBytes < bigJson.length / 10, `history is ${historyBytes} bytes for a ${bigJson.length}-byte body`);
});

test('a run cannot read another workspace’s stored data by copying its reference into a webhook body', async () => {
  const theirsId = uniqueName('run_theirs');
  const theirs = await client.workflow.execute(RUN_FLOW_WORKFLOW, {
    taskQueue,
    workflowId: theirsId,
    args: [
      {
        plan: plan(),
        trigger: { body: {} },
        run: { id: theirsId, workspaceId: 'their-workspace', kind: 'manual' },
        localTaskQueue: taskQueue,
      } satisfies RunFlowInput,
    ],
  });
  const reference = ((theirs as RunState).nodes.fetch?.output as { body?: unknown } | undefined)?.body;
  assert.ok(isBlobRef(reference));

  const mineId = uniqueName('run_mine');
  const stealing = compileTestFlow({
    flowId: 'steal',
    taskQueue,
    nodes: [
      { id: 'hook', type: 'core.webhook' },
      {
        id: 'peek',
        type: 'core.transform',
        config: { fields: [{ name: 'first', value: '{{ trigger.body.stolen.items[0].name }}' }] },
      },
    ],
    edges: [['hook', 'peek']],
  });
  const mine = await client.workflow.start(RUN_FLOW_WORKFLOW, {
    taskQueue,
    workflowId: mineId,
    args: [
      {
        plan: stealing,
        trigger: { body: { stolen: reference } },
        run: { id: mineId, workspaceId: 'my-workspace', kind: 'manual' },
        localTaskQueue: taskQueue,
      } satisfies RunFlowInput,
    ],
  });
  const state = await finalState(mine);
  assert.equal(state.status, 'failed');
  assert.match(JSON.stringify(state.error), /not this workspace's: refused/);
  assert.doesNotMatch(JSON.stringify(state), /item number/, 'none of the other workspace’s data is in the run');
});
