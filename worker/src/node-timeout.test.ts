import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { uniqueName } from '@pipewright/devstack';
import {
  FLOW_RUN_FAILED,
  finalStateOfFailure,
  RUN_FLOW_WORKFLOW,
  type RunFlowInput,
  type RunState,
} from '@pipewright/run-contract';
import { ApplicationFailure } from '@temporalio/common';
import { closeLocally, compileTestFlow, listenLocally, startTestWorker, type TestWorker } from './test-support.ts';

/**
 * A local API that never answers: every request is held open until the server closes after the tests, so an HTTP
 * step calling it can only end by its node's timeout.  Arrivals are counted per path (one per attempt).
 */
const arrivals = new Map<string, number>();
const server = createServer((request: IncomingMessage, _response: ServerResponse) => {
  const path = request.url ?? '/';
  arrivals.set(path, (arrivals.get(path) ?? 0) + 1);
  request.resume();
});

const taskQueue = uniqueName('node-timeout-test');
/** The node's own timeout, far below the HTTP step type's 30 s: only the node setting can end the call this soon. */
const TIMEOUT_MS = 500;
let baseUrl = '';
let harness: TestWorker;

before(async () => {
  baseUrl = await listenLocally(server);
  harness = await startTestWorker(taskQueue);
});

after(async () => {
  // Closing the held connections ends the abandoned step attempts, so the worker can shut down.
  await closeLocally(server);
  await harness?.stop();
});

/** Runs the plan to its end; a failed run's final state comes from the workflow's failure, with that failure. */
async function runToEnd(plan: RunFlowInput['plan']): Promise<{ state: RunState; failure?: Error }> {
  const runId = uniqueName('run');
  const input: RunFlowInput = {
    plan,
    trigger: { method: 'POST', headers: {}, query: {}, body: {} },
    run: { id: runId, workspaceId: 'ws-1', kind: 'webhook' },
    localTaskQueue: taskQueue,
  };
  const handle = await harness.client.workflow.start(RUN_FLOW_WORKFLOW, {
    taskQueue,
    workflowId: runId,
    args: [input],
  });
  return handle.result().then(
    (state: RunState) => ({ state }),
    (error: unknown) => {
      const state = finalStateOfFailure(error) ?? assert.fail(`the run ended without a state: ${String(error)}`);
      assert.ok(error instanceof Error);
      return { state, failure: error };
    },
  );
}

describe('a node that exceeds its timeout, on the Temporal dev server', () => {
  test('the run fails naming the node and its timeout, after the node’s retries', async () => {
    const path = '/hang/retried';
    const plan = compileTestFlow({
      flowId: 'flow-node-timeout',
      taskQueue,
      nodes: [
        { id: 'hook', type: 'core.webhook' },
        {
          id: 'slowCall',
          type: 'http.request',
          config: { url: `${baseUrl}${path}` },
          settings: { timeoutMs: TIMEOUT_MS, retry: { maxAttempts: 2, initialIntervalMs: 100 } },
        },
        { id: 'after', type: 'core.transform', config: { fields: [{ name: 'ok', value: true }] } },
      ],
      edges: [
        ['hook', 'slowCall'],
        ['slowCall', 'after'],
      ],
    });

    const { state, failure } = await runToEnd(plan);

    const message = `the step did not finish within ${TIMEOUT_MS} ms`;
    assert.equal(state.status, 'failed');
    assert.deepEqual(state.error, { nodeId: 'slowCall', message });
    // What the run list and the client show: the workflow's failure names the node.
    const cause = failure?.cause;
    assert.ok(cause instanceof ApplicationFailure, `the run failed with an ApplicationFailure: ${String(failure)}`);
    assert.equal(cause.type, FLOW_RUN_FAILED);
    assert.equal(cause.message, `node "slowCall" failed: ${message}`);
    const node = state.nodes.slowCall;
    assert.equal(node?.status, 'failed');
    assert.deepEqual(node?.error, { message });
    // The node's retry policy applied to the timeout: two attempts, each one reached the API and was given up on.
    assert.equal(node?.attempts, 2);
    assert.equal(arrivals.get(path), 2);
    assert.ok(
      (node?.endedAt ?? 0) - (node?.startedAt ?? 0) >= 2 * TIMEOUT_MS,
      'two attempts of the timeout each (workflow time)',
    );
    assert.equal(state.nodes.after?.status, 'skipped');
  });

  test('onError errorOutput: the timeout goes to the error branch and the run succeeds', async () => {
    const path = '/hang/handled';
    const plan = compileTestFlow({
      flowId: 'flow-node-timeout-handled',
      taskQueue,
      nodes: [
        { id: 'hook', type: 'core.webhook' },
        {
          id: 'slowCall',
          type: 'http.request',
          config: { url: `${baseUrl}${path}` },
          settings: { timeoutMs: TIMEOUT_MS, retry: { maxAttempts: 1 }, onError: 'errorOutput' },
        },
        { id: 'next', type: 'core.transform', config: { fields: [{ name: 'ok', value: true }] } },
        {
          id: 'handle',
          type: 'core.transform',
          config: { fields: [{ name: 'why', value: '{{ input.error.message }}' }] },
        },
      ],
      edges: [
        ['hook', 'slowCall'],
        ['slowCall', 'next'],
        ['slowCall', 'handle', 'error'],
      ],
    });

    const { state, failure } = await runToEnd(plan);

    assert.equal(failure, undefined);
    assert.equal(state.status, 'succeeded');
    assert.equal(state.nodes.slowCall?.status, 'failed');
    assert.equal(state.nodes.slowCall?.attempts, 1);
    assert.equal(arrivals.get(path), 1);
    assert.equal(state.nodes.next?.status, 'skipped');
    assert.deepEqual(state.nodes.handle?.output, { why: `the step did not finish within ${TIMEOUT_MS} ms` });
  });
});
