import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { after, before, describe, test } from 'node:test';
import type { ExecutionPlan } from '@pipewright/compiler';
import { uniqueName } from '@pipewright/devstack';
import type { RunState } from '@pipewright/runtime';
import type { Client } from '@temporalio/client';
import {
  closeLocally,
  compileTestFlow,
  listenLocally,
  startTestWorker,
  type TestNode,
  type TestWorker,
} from './test-support.ts';
import {
  type ErrorHandlerTrigger,
  errorHandlerWorkflowId,
  finalStateOfFailure,
  RUN_FLOW_WORKFLOW,
  type RunFlowInput,
} from './workflows/contract.ts';

/** A local API: `/slow/<name>` answers after 1 s, `/down` always answers 500.  Arrival and answer times are kept. */
const events: { what: 'arrived' | 'answered'; path: string; at: number }[] = [];
const server = createServer((request: IncomingMessage, response: ServerResponse) => {
  const path = request.url ?? '/';
  events.push({ what: 'arrived', path, at: performance.now() });
  request.resume();
  const answer = (status: number, body: unknown) => {
    events.push({ what: 'answered', path, at: performance.now() });
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  };
  if (path.startsWith('/slow/')) setTimeout(() => answer(200, { branch: path.slice('/slow/'.length) }), 1000);
  else if (path === '/down') answer(500, { error: 'down for maintenance' });
  else answer(404, { error: 'no handler' });
});

const taskQueue = uniqueName('control-flow-test');
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

const compile = (flowId: string, nodes: TestNode[], edges: [string, string, string?][]): ExecutionPlan =>
  compileTestFlow({ flowId, taskQueue, nodes, edges });
const once = { retry: { maxAttempts: 1 } };

async function runToEnd(plan: ExecutionPlan, body: unknown): Promise<{ runId: string; state: RunState }> {
  const runId = uniqueName('run');
  const input: RunFlowInput = {
    plan,
    trigger: { method: 'POST', headers: {}, query: {}, body },
    run: { id: runId, workspaceId: 'ws-1', kind: 'webhook' },
  };
  const handle = await client.workflow.start(RUN_FLOW_WORKFLOW, { taskQueue, workflowId: runId, args: [input] });
  const state = await handle.result().then(
    (value: RunState) => value,
    (error: unknown) => finalStateOfFailure(error) ?? assert.fail(`the run ended without a state: ${String(error)}`),
  );
  return { runId, state };
}

describe('control flow on the Temporal dev server', () => {
  /** hook → check ─true→ left (1 s) ─┐
   *                 │      right (1 s) ─┴→ join (all, append) → summary
   *                 └false→ declined */
  const branchingPlan = () =>
    compile(
      'flow-branching',
      [
        { id: 'hook', type: 'core.webhook' },
        { id: 'check', type: 'core.if', config: { condition: '{{ trigger.body.go }}' } },
        { id: 'left', type: 'http.request', config: { url: `${baseUrl}/slow/left` } },
        { id: 'right', type: 'http.request', config: { url: `${baseUrl}/slow/right` } },
        { id: 'join', type: 'core.merge', config: { wait: 'all', combine: 'append' } },
        {
          id: 'summary',
          type: 'core.transform',
          config: { fields: [{ name: 'branches', value: '{{ input.body.branch }}' }] },
        },
        { id: 'declined', type: 'core.transform', config: { fields: [{ name: 'ok', value: false }] } },
      ],
      [
        ['hook', 'check'],
        ['check', 'left', 'true'],
        ['check', 'right', 'true'],
        ['check', 'declined', 'false'],
        ['left', 'join'],
        ['right', 'join'],
        ['join', 'summary'],
      ],
    );

  test('If → two parallel 1-second HTTP calls → Merge: the branches overlap, the branch not taken is skipped', async () => {
    events.length = 0;
    const wallStart = performance.now();
    const { state } = await runToEnd(branchingPlan(), { go: true });
    const wallMs = performance.now() - wallStart;

    assert.equal(state.status, 'succeeded');
    assert.equal(state.nodes.declined?.status, 'skipped');
    assert.deepEqual(state.nodes.summary?.output, { branches: ['left', 'right'] });
    // The second request reached the API before the first was answered: the calls really ran at the same time.
    const arrivals = events.filter((event) => event.what === 'arrived').map((event) => event.at);
    const firstAnswer = Math.min(...events.filter((event) => event.what === 'answered').map((event) => event.at));
    assert.equal(arrivals.length, 2);
    assert.ok(Math.max(...arrivals) < firstAnswer, 'both requests were in flight together');
    // The parallel part, in workflow time: from the first branch starting to the merge finishing.
    const { left, right, join } = state.nodes;
    const parallelMs = (join?.endedAt ?? 0) - Math.min(left?.startedAt ?? 0, right?.startedAt ?? 0);
    console.log(`parallel part: ${parallelMs} ms (workflow time); whole run: ${Math.round(wallMs)} ms (wall clock)`);
    assert.ok(parallelMs >= 1000, `each call takes 1 s, got ${parallelMs} ms`);
    assert.ok(parallelMs < 1800, `two 1-second calls in parallel should take about 1 s, took ${parallelMs} ms`);
  });

  test('the other branch: the HTTP calls and the merge are skipped', async () => {
    events.length = 0;
    const { state } = await runToEnd(branchingPlan(), { go: false });
    assert.equal(state.status, 'succeeded');
    assert.deepEqual(
      ['left', 'right', 'join', 'summary'].map((id) => state.nodes[id]?.status),
      ['skipped', 'skipped', 'skipped', 'skipped'],
    );
    assert.deepEqual(state.nodes.declined?.output, { ok: false });
    assert.equal(events.length, 0, 'no request was made');
  });

  test('onError errorOutput: the failure goes to the handler node and the run succeeds', async () => {
    const plan = compile(
      'flow-error-output',
      [
        { id: 'hook', type: 'core.webhook' },
        {
          id: 'call',
          type: 'http.request',
          config: { url: `${baseUrl}/down` },
          settings: { ...once, onError: 'errorOutput' },
        },
        { id: 'next', type: 'core.transform', config: { fields: [{ name: 'ok', value: true }] } },
        {
          id: 'handle',
          type: 'core.transform',
          config: {
            fields: [
              { name: 'why', value: '{{ input.error.message }}' },
              { name: 'status', value: '{{ input.error.details.status }}' },
            ],
          },
        },
      ],
      [
        ['hook', 'call'],
        ['call', 'next'],
        ['call', 'handle', 'error'],
      ],
    );
    const { state } = await runToEnd(plan, {});
    assert.equal(state.status, 'succeeded');
    assert.equal(state.nodes.call?.status, 'failed');
    assert.equal(state.nodes.next?.status, 'skipped');
    assert.deepEqual(state.nodes.handle?.output, { why: `GET ${baseUrl}/down answered 500`, status: 500 });
  });

  test('a failed run starts the flow-level error handler with its details', async () => {
    const handlerPlan = compile(
      'flow-on-failure',
      [
        { id: 'start', type: 'core.manual' },
        {
          id: 'report',
          type: 'core.transform',
          config: {
            fields: [
              { name: 'failedRun', value: '{{ trigger.failedRun.runId }}' },
              { name: 'flow', value: '{{ trigger.failedRun.flowId }}' },
              { name: 'node', value: '{{ trigger.failedRun.error.nodeId }}' },
              { name: 'callStatus', value: '{{ trigger.failedRun.nodes.call.status }}' },
            ],
          },
        },
      ],
      [['start', 'report']],
    );
    const failing = compile(
      'flow-failing',
      [
        { id: 'hook', type: 'core.webhook' },
        { id: 'call', type: 'http.request', config: { url: `${baseUrl}/down` }, settings: once },
      ],
      [['hook', 'call']],
    );
    failing.errorHandler = { flowId: 'flow-on-failure', version: 1, plan: handlerPlan };

    const { runId, state } = await runToEnd(failing, {});
    assert.equal(state.status, 'failed');
    const handlerRun = client.workflow.getHandle(errorHandlerWorkflowId(runId));
    const handled: RunState = await handlerRun.result();
    assert.equal(handled.status, 'succeeded');
    assert.equal(handled.flowId, 'flow-on-failure');
    assert.deepEqual(handled.nodes.report?.output, {
      failedRun: runId,
      flow: 'flow-failing',
      node: 'call',
      callStatus: 'failed',
    });
    const trigger = handled.nodes.start?.output as ErrorHandlerTrigger;
    assert.equal(trigger.failedRun.error?.message, `GET ${baseUrl}/down answered 500`);
    const described = await handlerRun.describe();
    assert.equal(described.searchAttributes.RunTrigger?.[0], 'error');
  });
});
