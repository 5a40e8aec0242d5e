import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { getTestStack, uniqueName } from '@pipewright/devstack';
import {
  RUN_FLOW_WORKFLOW,
  type RunFlowInput,
  type RunState,
  STEP_HEARTBEAT_TIMEOUT_MS,
} from '@pipewright/run-contract';
import { Client, Connection } from '@temporalio/client';
import {
  closeLocally,
  compileTestFlow,
  listenLocally,
  startTestWorker,
  startWorkerProcess,
  type TestWorker,
  within,
} from './test-support.ts';

/**
 * A worker that dies (SIGKILL: no shutdown, no failure reported) in the middle of a long step.  The step runs as a
 * regular activity (its timeout is past the local first attempt's limit), heartbeats while it runs, and is taken
 * as crashed once the heartbeats stop: another worker sends it again with the same idempotency key long before the
 * step's own 2-minute timeout, and the crash does not use up the step's only attempt.
 */
const requests: { path: string; key: string }[] = [];
let firstArrived = () => {};
const firstArrival = new Promise<void>((resolve) => {
  firstArrived = resolve;
});
let secondArrived = () => {};
const secondArrival = new Promise<void>((resolve) => {
  secondArrived = resolve;
});
/** The first request is held open (the step is in flight when its worker dies); later ones are answered. */
const server = createServer((request: IncomingMessage, response: ServerResponse) => {
  request.resume();
  requests.push({ path: request.url ?? '/', key: String(request.headers['idempotency-key'] ?? '') });
  if (requests.length === 1) {
    firstArrived();
    return;
  }
  secondArrived();
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end(JSON.stringify({ answered: requests.length }));
});

const taskQueue = uniqueName('worker-crash-test');
let baseUrl = '';
let doomed: ChildProcess | undefined;
/** The worker that takes over after the kill (in this process). */
let rescuer: TestWorker | undefined;

before(async () => {
  baseUrl = await listenLocally(server);
});
after(async () => {
  doomed?.kill('SIGKILL');
  await closeLocally(server);
  await rescuer?.stop();
});

describe('a worker killed during a long step', () => {
  test('another worker sends the step again with the same key, and its single attempt still succeeds', async () => {
    const stack = await getTestStack();
    doomed = await startWorkerProcess(stack.temporalAddress, taskQueue);
    const plan = compileTestFlow({
      flowId: 'flow-worker-crash',
      taskQueue,
      nodes: [
        { id: 'hook', type: 'core.webhook' },
        {
          id: 'slowCall',
          type: 'http.request',
          config: { url: `${baseUrl}/slow` },
          settings: { timeoutMs: 120_000, retry: { maxAttempts: 1 } },
        },
      ],
      edges: [['hook', 'slowCall']],
    });
    const runId = uniqueName('run');
    const input: RunFlowInput = {
      plan,
      trigger: { method: 'POST', headers: {}, query: {}, body: {} },
      run: { id: runId, workspaceId: 'ws-1', kind: 'webhook' },
      localTaskQueue: taskQueue,
    };
    const connection = await Connection.connect({ address: stack.temporalAddress });
    const client = new Client({ connection });
    const handle = await client.workflow.start(RUN_FLOW_WORKFLOW, { taskQueue, workflowId: runId, args: [input] });
    await within('the step to reach the target', firstArrival, 60_000);

    const exited = new Promise((resolve) => doomed?.once('exit', resolve));
    doomed.kill('SIGKILL');
    await exited;
    rescuer = await startTestWorker(taskQueue);
    try {
      // Far sooner than the step's 2-minute timeout: the missing heartbeats gave the crash away.
      await within('the step to be sent again by another worker', secondArrival, 60_000);
      const state = (await handle.result()) as RunState;
      assert.equal(state.status, 'succeeded');
      assert.equal(state.nodes.slowCall?.status, 'succeeded');
      assert.equal(state.nodes.slowCall?.attempts, 1, 'the crash did not count as one of the step’s attempts');
      assert.deepEqual(
        requests.map((request) => request.path),
        ['/slow', '/slow'],
      );
      assert.equal(new Set(requests.map((request) => request.key)).size, 1, 'sent again with the same idempotency key');
    } finally {
      await connection.close();
    }
  });
});

describe('a worker whose event loop stalls (large data being parsed and collected)', () => {
  test('is not taken for dead: a 3 s stall inside a step leaves its single attempt to succeed', async () => {
    // The worker runs in this process: the target's handler blocks the event loop the worker heartbeats from, as
    // JSON.parse and the garbage collector do on a 50 MB response (`./pw bench large`).
    const stallMs = 3_000;
    assert.ok(stallMs < STEP_HEARTBEAT_TIMEOUT_MS, 'the stall is one the heartbeat timeout must tolerate');
    const hits: string[] = [];
    const stalling = createServer((request: IncomingMessage, response: ServerResponse) => {
      request.resume();
      hits.push(String(request.headers['idempotency-key'] ?? ''));
      const until = Date.now() + stallMs;
      while (Date.now() < until) {
        // busy: no timer, no heartbeat, runs in this event loop
      }
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"parsed":true}');
    });
    const stallingUrl = await listenLocally(stalling);
    const stallQueue = uniqueName('stall-test');
    const worker = await startTestWorker(stallQueue);
    try {
      const plan = compileTestFlow({
        flowId: 'flow-stall',
        taskQueue: stallQueue,
        nodes: [
          { id: 'hook', type: 'core.webhook' },
          {
            id: 'bigCall',
            type: 'http.request',
            config: { url: `${stallingUrl}/big` },
            // Past the local first attempt's limit: a regular activity that heartbeats.
            settings: { timeoutMs: 120_000, retry: { maxAttempts: 1 } },
          },
        ],
        edges: [['hook', 'bigCall']],
      });
      const runId = uniqueName('run');
      const input: RunFlowInput = {
        plan,
        trigger: { method: 'POST', headers: {}, query: {}, body: {} },
        run: { id: runId, workspaceId: 'ws-1', kind: 'webhook' },
        localTaskQueue: stallQueue,
      };
      const handle = await worker.client.workflow.start(RUN_FLOW_WORKFLOW, {
        taskQueue: stallQueue,
        workflowId: runId,
        args: [input],
      });
      const state = (await handle.result()) as RunState;
      assert.equal(state.status, 'succeeded', JSON.stringify(state.nodes.bigCall));
      assert.equal(state.nodes.bigCall?.attempts, 1);
      assert.equal(hits.length, 1, 'the step was sent once: the stall was not taken for a dead worker');
    } finally {
      await worker.stop();
      await closeLocally(stalling);
    }
  });
});
