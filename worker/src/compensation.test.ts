import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { getTestStack, uniqueName } from '@pipewright/devstack';
import { RUN_FLOW_WORKFLOW, type RunFlowInput, runStartOptions } from '@pipewright/run-contract';
import { Client, Connection, WorkflowFailedError } from '@temporalio/client';
import {
  closeLocally,
  compileTestFlow,
  finalState,
  listenLocally,
  startTestWorker,
  startWorkerProcess,
  type TestWorker,
  within,
} from './test-support.ts';

/**
 * Compensation through the real stack (docs/adr/015): charge → reserve → ship, where ship fails for good; the undo
 * steps of reserve and charge (release, refund) run in reverse order, once each, and survive a worker killed while
 * the first undo is in flight.  The shop below counts every request per path and applies each idempotency key once,
 * as a payment API does.
 */
interface Received {
  path: string;
  key: string;
  body: unknown;
}
const received: Received[] = [];
/** Effects applied, one per idempotency key: what the shop's books show. */
const applied: Received[] = [];
/** Paths whose first request is held unanswered (the request is in flight when its worker dies). */
const holdFirst = new Set<string>();
const held = new Map<string, () => void>();
const waitingForHold = new Map<string, () => void>();
const heldRequest = (path: string) =>
  new Promise<void>((resolve) => {
    if (held.has(path)) resolve();
    else waitingForHold.set(path, resolve);
  });

const server = createServer((request: IncomingMessage, response: ServerResponse) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const text = Buffer.concat(chunks).toString('utf8');
    const entry: Received = {
      path: new URL(request.url ?? '/', 'http://shop').pathname,
      key: String(request.headers['idempotency-key'] ?? ''),
      body: text ? JSON.parse(text) : null,
    };
    received.push(entry);
    if (holdFirst.delete(entry.path)) {
      held.set(entry.path, () => response.destroy());
      waitingForHold.get(entry.path)?.();
      return;
    }
    if (entry.path.startsWith('/ship')) {
      response.writeHead(entry.path === '/ship' ? 503 : 400, { 'content-type': 'application/json' });
      response.end('{"error":"no courier"}');
      return;
    }
    if (!applied.some((done) => done.key === entry.key)) applied.push(entry);
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ id: `${entry.path.slice(1)}_1` }));
  });
});

let baseUrl = '';
before(async () => {
  baseUrl = await listenLocally(server);
});
after(async () => {
  await closeLocally(server);
});

/** charge → reserve → ship (`shipPath` fails: `/ship` with 503 on every try, `/ship-final` with 400 at once). */
function shopPlan(flowId: string, taskQueue: string, shipPath: string) {
  return compileTestFlow({
    flowId,
    taskQueue,
    nodes: [
      { id: 'hook', type: 'core.webhook' },
      {
        id: 'charge',
        type: 'http.request',
        config: { url: `${baseUrl}/charge`, method: 'POST', body: { amount: '{{ trigger.body.amount }}' } },
        settings: {
          undo: {
            type: 'http.request',
            typeVersion: 1,
            config: {
              url: `${baseUrl}/refund`,
              method: 'POST',
              body: { charge: '{{ original.output.body.id }}', amount: '{{ original.input.body.amount }}' },
            },
            retry: { maxAttempts: 3, initialIntervalMs: 100, maxIntervalMs: 100 },
          },
        },
      },
      {
        id: 'reserve',
        type: 'http.request',
        config: { url: `${baseUrl}/reserve`, method: 'POST', body: { sku: 'mug' } },
        settings: {
          undo: {
            type: 'http.request',
            typeVersion: 1,
            config: { url: `${baseUrl}/release`, method: 'POST', body: { reservation: '{{ steps.reserve.body.id }}' } },
            retry: { maxAttempts: 3, initialIntervalMs: 100, maxIntervalMs: 100 },
          },
        },
      },
      {
        id: 'ship',
        type: 'http.request',
        config: { url: `${baseUrl}${shipPath}`, method: 'POST' },
        settings: { retry: { maxAttempts: 2, initialIntervalMs: 50, maxIntervalMs: 50 } },
      },
    ],
    edges: [
      ['hook', 'charge'],
      ['charge', 'reserve'],
      ['reserve', 'ship'],
    ],
  });
}

function startInput(plan: RunFlowInput['plan'], runId: string, taskQueue: string): RunFlowInput {
  return {
    plan,
    trigger: { method: 'POST', headers: {}, query: {}, body: { amount: 42 } },
    run: { id: runId, workspaceId: 'ws-1', kind: 'webhook' },
    localTaskQueue: taskQueue,
  };
}

const requestsOf = (runId: string) => received.filter((entry) => entry.key.startsWith(`${runId}/`));
const appliedOf = (runId: string) => applied.filter((entry) => entry.key.startsWith(`${runId}/`));

describe('compensation when the third step fails for good', () => {
  test('both undo steps run once each, last completed first, with the original steps’ outputs', async () => {
    const taskQueue = uniqueName('compensation-test');
    const worker = await startTestWorker(taskQueue);
    try {
      const plan = shopPlan('flow-compensation', taskQueue, '/ship');
      const runId = uniqueName('run');
      const handle = await worker.client.workflow.start(RUN_FLOW_WORKFLOW, {
        taskQueue,
        workflowId: runId,
        ...runStartOptions(plan),
        args: [startInput(plan, runId, taskQueue)],
      });
      await assert.rejects(handle.result(), (error: unknown) => {
        assert.ok(error instanceof WorkflowFailedError);
        assert.match(String(error.cause?.message), /node "ship" failed: .*503.* \(compensated\)$/);
        return true;
      });
      const state = await finalState(handle);
      assert.deepEqual(
        requestsOf(runId).map((entry) => entry.path),
        ['/charge', '/reserve', '/ship', '/ship', '/release', '/refund'],
      );
      assert.deepEqual(
        requestsOf(runId).map((entry) => entry.key),
        [
          `${runId}/charge`,
          `${runId}/reserve`,
          `${runId}/ship`,
          `${runId}/ship`,
          `${runId}/reserve/undo`,
          `${runId}/charge/undo`,
        ],
      );
      const refund = requestsOf(runId).at(-1);
      assert.deepEqual(refund?.body, { charge: 'charge_1', amount: 42 });
      assert.deepEqual(requestsOf(runId).at(-2)?.body, { reservation: 'reserve_1' });

      assert.equal(state.status, 'failed');
      assert.equal(state.error?.nodeId, 'ship');
      assert.deepEqual(state.compensation, { status: 'compensated', order: ['reserve', 'charge'] });
      assert.equal(state.nodes.charge?.status, 'succeeded');
      assert.equal(state.nodes.charge?.undo?.status, 'succeeded');
      assert.equal(state.nodes.charge?.undo?.attempts, 1);
      assert.deepEqual((state.nodes.charge?.undo?.output as { body?: unknown } | undefined)?.body, { id: 'refund_1' });
      assert.equal(state.nodes.ship?.undo, undefined);
    } finally {
      await worker.stop();
    }
  });
});

describe('compensation across a worker crash', () => {
  let doomed: ChildProcess | undefined;
  let rescuer: TestWorker | undefined;
  let connection: Connection | undefined;
  after(async () => {
    doomed?.kill('SIGKILL');
    await rescuer?.stop();
    await connection?.close();
  });

  test('a worker killed while the first undo is in flight is replaced, and each undo is applied exactly once', async () => {
    const stack = await getTestStack();
    const taskQueue = uniqueName('compensation-crash-test');
    doomed = await startWorkerProcess(stack.temporalAddress, taskQueue);
    connection = await Connection.connect({ address: stack.temporalAddress });
    const client = new Client({ connection });

    const plan = shopPlan('flow-compensation-crash', taskQueue, '/ship-final');
    const runId = uniqueName('run');
    holdFirst.add('/release');
    const handle = await client.workflow.start(RUN_FLOW_WORKFLOW, {
      taskQueue,
      workflowId: runId,
      ...runStartOptions(plan),
      args: [startInput(plan, runId, taskQueue)],
    });
    await within('the first undo (release) to reach the shop', heldRequest('/release'), 60_000);

    const exited = new Promise((resolve) => doomed?.once('exit', resolve));
    doomed.kill('SIGKILL');
    await exited;
    held.get('/release')?.();
    rescuer = await startTestWorker(taskQueue);

    const state = await within('the run to end after the crash', finalState(handle), 90_000);
    const requests = requestsOf(runId);
    assert.deepEqual(
      requests.map((entry) => entry.path),
      ['/charge', '/reserve', '/ship-final', '/release', '/release', '/refund'],
      'the undo in flight was sent again; nothing completed was sent twice',
    );
    assert.equal(new Set(requests.filter((entry) => entry.path === '/release').map((entry) => entry.key)).size, 1);
    assert.deepEqual(
      appliedOf(runId).map((entry) => entry.path),
      ['/charge', '/reserve', '/release', '/refund'],
      'each undo applied exactly once, in reverse order',
    );
    assert.equal(state.status, 'failed');
    assert.deepEqual(state.compensation, { status: 'compensated', order: ['reserve', 'charge'] });
    assert.equal(state.nodes.reserve?.undo?.status, 'succeeded');
    assert.equal(state.nodes.charge?.undo?.status, 'succeeded');
  });
});
