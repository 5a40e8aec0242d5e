import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { after, before, test } from 'node:test';
import { builtinStepDefinitions } from '@pipewright/builtin-steps';
import { compileFlow, type ExecutionPlan } from '@pipewright/compiler';
import { getTestStack, uniqueName } from '@pipewright/devstack';
import { isBlobRef, type RunState } from '@pipewright/runtime';
import { toManifest } from '@pipewright/step-sdk';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { MongoClient } from 'mongodb';
import { type RunningWorker, startWorker } from './start-worker.ts';
import { RUN_FLOW_WORKFLOW, type RunFlowInput } from './workflows/contract.ts';

/**
 * Large data by reference (DESIGN.md decision 5) on the real stack: a 3 MB JSON body is fetched, transformed and
 * posted on, with a 64 KB inline limit — so the body never enters Temporal history, only a reference does.
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
const manifests = new Map(builtinStepDefinitions.map(toManifest).map((m) => [m.type, m]));
let baseUrl = '';
let worker: RunningWorker;
let connection: Connection;
let client: Client;
let mongo: MongoClient;

before(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  baseUrl = `http://127.0.0.1:${address.port}`;
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const stack = await getTestStack();
  worker = await startWorker({
    temporalAddress: stack.temporalAddress,
    taskQueue,
    mongo: { uri: stack.mongoUri, dbName, inlineLimitBytes: 64 * 1024 },
    http: { allowPrivateNetworks: true },
  });
  connection = await Connection.connect({ address: stack.temporalAddress });
  client = new Client({ connection });
  mongo = await MongoClient.connect(stack.mongoUri);
});

after(async () => {
  await worker?.shutdown();
  await connection?.close();
  await mongo?.db(dbName).dropDatabase();
  await mongo?.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function plan(): ExecutionPlan {
  const node = (id: string, type: string, config: Record<string, unknown>) => ({
    id,
    type,
    typeVersion: 1,
    position: { x: 0, y: 0 },
    config,
  });
  const document = {
    schemaVersion: 1,
    nodes: [
      node('hook', 'core.webhook', {}),
      node('fetch', 'http.request', { method: 'GET', url: `${baseUrl}/big` }),
      node('summary', 'core.transform', {
        fields: [
          { name: 'count', value: '{{ $count(steps.fetch.body.items) }}' },
          { name: 'total', value: '{{ $sum(steps.fetch.body.items.price) }}' },
          { name: 'status', value: '{{ steps.fetch.status }}' },
        ],
      }),
      node('post', 'http.request', { method: 'POST', url: `${baseUrl}/store`, body: '{{ steps.fetch.body }}' }),
    ],
    edges: [
      { id: 'e1', source: 'hook', target: 'fetch' },
      { id: 'e2', source: 'fetch', target: 'summary' },
      { id: 'e3', source: 'summary', target: 'post' },
    ],
  };
  const result = compileFlow(
    document,
    { get: (type) => manifests.get(type) },
    { flowId: 'large', version: 1, defaultTaskQueue: taskQueue },
  );
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.plan;
}

test('a 3 MB body is fetched, transformed and posted on while history holds only references', async () => {
  const workflowId = uniqueName('run_large');
  const input: RunFlowInput = {
    plan: plan(),
    trigger: { body: {} },
    run: { id: workflowId, workspaceId: 'w', kind: 'manual' },
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
