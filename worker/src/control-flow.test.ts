import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { compileFlow, type ExecutionPlan } from '@pipewright/compiler';
import { getTestStack, uniqueName } from '@pipewright/devstack';
import type { RunState } from '@pipewright/runtime';
import { toManifest } from '@pipewright/step-sdk';
import { builtinSteps } from '@pipewright/steps-core';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { type RunningWorker, startWorker } from './start-worker.ts';
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
const manifests = new Map(builtinSteps.map(toManifest).map((manifest) => [manifest.type, manifest]));
let baseUrl = '';
let worker: RunningWorker;
let connection: Connection;
let client: Client;
let stopStack = async () => {};

before(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('test server has no TCP address');
  baseUrl = `http://127.0.0.1:${address.port}`;
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const stack = await getTestStack();
  stopStack = stack.stop;
  worker = await startWorker({
    temporalAddress: stack.temporalAddress,
    taskQueue,
    http: { allowPrivateNetworks: true },
  });
  connection = await Connection.connect({ address: stack.temporalAddress });
  client = new Client({ connection });
});

after(async () => {
  await worker?.shutdown();
  await connection?.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await stopStack();
});

type DocNode = { id: string; type: string; config?: Record<string, unknown>; settings?: Record<string, unknown> };
/** Compiles a document with the real compiler and built-in catalog: the plan a publish would store. */
function compile(flowId: string, nodes: DocNode[], edges: [string, string, string?][]): ExecutionPlan {
  const document = {
    schemaVersion: 1,
    nodes: nodes.map((node) => ({ typeVersion: 1, position: { x: 0, y: 0 }, config: {}, ...node })),
    edges: edges.map(([source, target, sourcePort = 'out']) => ({
      id: `${source}_${sourcePort}_${target}`,
      source,
      sourcePort,
      target,
    })),
  };
  const result = compileFlow(
    document,
    { get: (type) => manifests.get(type) },
    {
      flowId,
      version: 1,
      defaultTaskQueue: taskQueue,
    },
  );
  if (!result.ok) assert.fail(`the flow should compile: ${JSON.stringify(result.errors)}`);
  return result.plan;
}
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
