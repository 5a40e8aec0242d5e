import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { uniqueName } from '@pipewright/devstack';
import {
  type ExecutionPlan,
  finalStateOfFailure,
  type PlanNode,
  type PlanRetryPolicy,
  RUN_FLOW_WORKFLOW,
  type RunFlowInput,
  type RunState,
  runStartOptions,
  stateQuery,
} from '@pipewright/run-contract';
import { type Client, WorkflowFailedError } from '@temporalio/client';
import proto from '@temporalio/proto';
import { closeLocally, listenLocally, startTestWorker, type TestWorker, waitFor, within } from './test-support.ts';

/** A local HTTP API whose behaviour each test chooses per path. */
type Handler = (request: { body: unknown }, response: ServerResponse) => void;
const handlers = new Map<string, Handler>();
const received = new Map<string, unknown[]>();
const server = createServer((request: IncomingMessage, response: ServerResponse) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const text = Buffer.concat(chunks).toString('utf8');
    const body: unknown = text ? JSON.parse(text) : null;
    const path = request.url ?? '/';
    received.set(path, [...(received.get(path) ?? []), body]);
    const handler = handlers.get(path);
    if (handler) handler({ body }, response);
    else sendJson(response, 404, { error: 'no handler' });
  });
});
const sendJson = (response: ServerResponse, status: number, body: unknown) => {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
};

const taskQueue = uniqueName('run-flow-test');
let baseUrl = '';
let harness: TestWorker;
let client: Client;

before(async () => {
  baseUrl = await listenLocally(server);
  harness = await startTestWorker(taskQueue);
  client = harness.client;
});

after(async () => {
  await harness?.stop();
  await closeLocally(server);
});

const FAST_RETRY: PlanRetryPolicy = { maxAttempts: 3, initialIntervalMs: 50, backoffCoefficient: 1, maxIntervalMs: 50 };

function planNode(id: string, fields: Partial<PlanNode>): PlanNode {
  return {
    id,
    type: 'http.request',
    typeVersion: 1,
    title: id,
    kind: 'action',
    runsIn: 'activity',
    upstream: [],
    config: {},
    retry: FAST_RETRY,
    timeoutMs: 10_000,
    taskQueue,
    ...fields,
  };
}

/** webhook → transform (builds the order) → POST to `path` → transform (reads the response). */
function orderPlan(path: string, retry: PlanRetryPolicy = FAST_RETRY): ExecutionPlan {
  return {
    planFormat: 1,
    runtimeVersion: 1,
    expressionEngine: 'jsonata@2.2.2',
    flowId: 'flow-orders',
    version: 1,
    hash: 'test',
    triggerNodeId: 'hook',
    nodes: [
      planNode('hook', { type: 'core.webhook', kind: 'trigger', runsIn: 'workflow' }),
      planNode('shape', {
        type: 'core.transform',
        kind: 'transform',
        runsIn: 'workflow',
        upstream: ['hook'],
        config: {
          fields: [
            { name: 'order.customer', value: '{{ $uppercase(trigger.body.customer) }}' },
            { name: 'order.total', value: '{{ $sum(trigger.body.items.price) }}' },
          ],
        },
      }),
      planNode('post', {
        upstream: ['shape'],
        retry,
        config: { method: 'POST', url: `${baseUrl}${path}`, body: '{{ steps.shape.order }}' },
      }),
      planNode('summary', {
        type: 'core.transform',
        kind: 'transform',
        runsIn: 'workflow',
        upstream: ['post'],
        config: { fields: [{ name: 'confirmation', value: '{{ input.body.id }}' }] },
      }),
    ],
  };
}

const webhookPayload = {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  query: {},
  body: { customer: 'ada', items: [{ price: 5 }, { price: 7 }] },
};

async function eventTypes(workflowId: string): Promise<string[]> {
  const { events } = await client.workflow.getHandle(workflowId).fetchHistory();
  return (events ?? []).map((event) =>
    (proto.temporal.api.enums.v1.EventType[event.eventType ?? 0] ?? '?').replace(/^EVENT_TYPE_/, ''),
  );
}

function startRun(plan: ExecutionPlan) {
  const id = uniqueName('run');
  const input: RunFlowInput = {
    plan,
    trigger: webhookPayload,
    run: { id, workspaceId: 'ws-1', kind: 'webhook' },
    localTaskQueue: taskQueue,
  };
  return client.workflow.start(RUN_FLOW_WORKFLOW, {
    taskQueue,
    workflowId: id,
    args: [input],
    ...runStartOptions(plan),
  });
}

describe('runFlow on the Temporal dev server', () => {
  test('webhook → transform → HTTP request → transform succeeds with the API response', async () => {
    handlers.set('/orders', ({ body }, response) => sendJson(response, 201, { id: 'ord-1', echoed: body }));
    const handle = await startRun(orderPlan('/orders'));
    const state: RunState = await handle.result();

    assert.equal(state.status, 'succeeded');
    assert.deepEqual(received.get('/orders'), [{ customer: 'ADA', total: 12 }]);
    assert.equal(state.nodes.post?.status, 'succeeded');
    assert.equal(state.nodes.post?.attempts, 1);
    assert.deepEqual(state.nodes.post?.input, {
      method: 'POST',
      url: `${baseUrl}/orders`,
      body: { customer: 'ADA', total: 12 },
    });
    assert.partialDeepStrictEqual(state.nodes.post?.output, {
      status: 201,
      headers: { 'content-type': 'application/json' },
      body: { id: 'ord-1', echoed: { customer: 'ADA', total: 12 } },
    });
    assert.deepEqual(state.nodes.summary?.output, { confirmation: 'ord-1' });
    assert.deepEqual(await handle.query(stateQuery), state);
    // The step ran as a local activity inside the run's one workflow task (docs/adr/009).
    assert.deepEqual(await eventTypes(handle.workflowId), [
      'WORKFLOW_EXECUTION_STARTED',
      'WORKFLOW_TASK_SCHEDULED',
      'WORKFLOW_TASK_STARTED',
      'WORKFLOW_TASK_COMPLETED',
      'MARKER_RECORDED',
      'WORKFLOW_EXECUTION_COMPLETED',
    ]);
  });

  test('of two HTTP steps in a row, the second is a regular activity: one unrecorded local result at a time', async () => {
    handlers.set('/first', (_request, response) => sendJson(response, 200, { id: 'one' }));
    handlers.set('/second', (_request, response) => sendJson(response, 200, { id: 'two' }));
    const plan = orderPlan('/first');
    plan.nodes.push(
      planNode('again', { upstream: ['post'], config: { method: 'POST', url: `${baseUrl}/second`, body: '{{ 1 }}' } }),
    );
    const handle = await startRun(plan);
    const state: RunState = await handle.result();
    assert.deepEqual(
      [state.status, state.nodes.post?.status, state.nodes.again?.status],
      ['succeeded', 'succeeded', 'succeeded'],
    );
    // The first step's result was recorded (its marker, with the second step's scheduling) before the second ran:
    // a worker dying during the second never sends the first again.
    const steps = (await eventTypes(handle.workflowId)).filter(
      (type) => type === 'MARKER_RECORDED' || type === 'ACTIVITY_TASK_SCHEDULED',
    );
    assert.deepEqual(steps, ['MARKER_RECORDED', 'ACTIVITY_TASK_SCHEDULED']);
  });

  test('a 500 then a 200: the run succeeds and the node shows 2 attempts', async () => {
    let calls = 0;
    handlers.set('/flaky', (_request, response) => {
      calls += 1;
      if (calls === 1) sendJson(response, 500, { error: 'try again' });
      else sendJson(response, 200, { id: 'ord-2' });
    });
    const handle = await startRun(orderPlan('/flaky'));
    const state: RunState = await handle.result();
    assert.equal(state.status, 'succeeded');
    assert.equal(state.nodes.post?.attempts, 2);
    // The first attempt was local; the retry waited out the retry interval and is an activity in history.
    const events = await eventTypes(handle.workflowId);
    assert.deepEqual(
      events.filter(
        (type) => type.startsWith('ACTIVITY_TASK') || type.startsWith('TIMER') || type === 'MARKER_RECORDED',
      ),
      [
        'MARKER_RECORDED',
        'TIMER_STARTED',
        'TIMER_FIRED',
        'ACTIVITY_TASK_SCHEDULED',
        'ACTIVITY_TASK_STARTED',
        'ACTIVITY_TASK_COMPLETED',
      ],
    );
    assert.deepEqual(state.nodes.summary?.output, { confirmation: 'ord-2' });
  });

  test('a target that always answers 500: the workflow fails and its details carry the final state', async () => {
    handlers.set('/down', (_request, response) => sendJson(response, 500, { error: 'down for maintenance' }));
    const handle = await startRun(orderPlan('/down', { ...FAST_RETRY, maxAttempts: 2 }));
    const error: unknown = await handle.result().then(
      () => assert.fail('the run should fail'),
      (failure: unknown) => failure,
    );
    assert.ok(error instanceof WorkflowFailedError);
    const state = finalStateOfFailure(error);
    assert.ok(state, 'the failure details carry the final RunState');
    assert.equal(state.status, 'failed');
    assert.equal(state.nodes.post?.status, 'failed');
    assert.equal(state.nodes.post?.attempts, 2);
    assert.equal(state.nodes.post?.error?.message, `POST ${baseUrl}/down answered 500`);
    assert.deepEqual(state.nodes.post?.error?.details, { status: 500, body: { error: 'down for maintenance' } });
    assert.equal(state.nodes.summary?.status, 'skipped');
    assert.deepEqual(state.error, { nodeId: 'post', message: `POST ${baseUrl}/down answered 500` });
    assert.equal(received.get('/down')?.length, 2);
  });

  test('an input the step schema rejects fails at once, naming the field', async () => {
    const plan = orderPlan('/never');
    const post = plan.nodes.find((node) => node.id === 'post');
    assert.ok(post);
    post.config = { ...post.config, url: 'ftp://files.example.com/{{ trigger.body.customer }}' };
    const error: unknown = await (await startRun(plan)).result().then(
      () => assert.fail('the run should fail'),
      (failure: unknown) => failure,
    );
    const state = finalStateOfFailure(error);
    assert.equal(state?.nodes.post?.status, 'failed');
    assert.equal(state?.nodes.post?.error?.message, 'url: must be an http:// or https:// URL');
    assert.equal(state?.nodes.post?.attempts, 1);
    assert.deepEqual(state?.nodes.post?.input, {
      method: 'POST',
      url: 'ftp://files.example.com/ada',
      body: { customer: 'ADA', total: 12 },
    });
  });

  test('the state query shows the HTTP node running while the API holds its answer', async () => {
    let release: (() => void) | undefined;
    const requestArrived = new Promise<void>((resolve) => {
      handlers.set('/slow', (_request, response) => {
        release = () => sendJson(response, 200, { id: 'ord-3' });
        resolve();
      });
    });
    const handle = await startRun(orderPlan('/slow'));
    await within('the HTTP node’s request to reach the API', requestArrived);

    const seen = await waitFor('the state query to show the HTTP node running', async () => {
      const state = await handle.query(stateQuery);
      return state.nodes.post?.status === 'running' ? state : undefined;
    });
    assert.equal(seen.status, 'running');
    assert.equal(seen.nodes.shape?.status, 'succeeded');
    assert.equal(seen.nodes.summary?.status, 'pending');

    release?.();
    const final: RunState = await handle.result();
    assert.equal(final.status, 'succeeded');
    assert.deepEqual(final.nodes.summary?.output, { confirmation: 'ord-3' });
  });
});
