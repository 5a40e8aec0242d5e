import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { uniqueName } from '@pipewright/devstack';
import {
  type ErrorHandlerTrigger,
  type ExecutionPlan,
  errorHandlerWorkflowId,
  RUN_FLOW_WORKFLOW,
  type RunFlowInput,
  type RunState,
} from '@pipewright/run-contract';
import type { Client } from '@temporalio/client';
import {
  closeLocally,
  compileTestFlow,
  finalState,
  listenLocally,
  startTestWorker,
  type TestNode,
  type TestWorker,
} from './test-support.ts';

/** A lone `/pair/…` request is answered after this long, so a regression fails on the order of events, not a hang. */
const LONE_REQUEST_MS = 10_000;

/**
 * A local API.  `/pair/<branch>` holds its answer until a second `/pair/…` request arrives, then answers both: two
 * branches finish only if they run at the same time.  `/down` always answers 500.  Arrivals and answers are kept in
 * the order they happened.
 */
const events: { what: 'arrived' | 'answered'; path: string }[] = [];
let lone: { reply(): void; timer: ReturnType<typeof setTimeout> } | undefined;
const server = createServer((request: IncomingMessage, response: ServerResponse) => {
  const path = request.url ?? '/';
  events.push({ what: 'arrived', path });
  request.resume();
  const answer = (status: number, body: unknown) => {
    events.push({ what: 'answered', path });
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  };
  if (path.startsWith('/pair/')) {
    const reply = () => answer(200, { branch: path.slice('/pair/'.length) });
    const partner = lone;
    if (partner) {
      lone = undefined;
      clearTimeout(partner.timer);
      partner.reply();
      reply();
    } else {
      lone = {
        reply,
        timer: setTimeout(() => {
          lone = undefined;
          reply();
        }, LONE_REQUEST_MS),
      };
    }
  } else if (path === '/down') answer(500, { error: 'down for maintenance' });
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
    localTaskQueue: taskQueue,
  };
  const handle = await client.workflow.start(RUN_FLOW_WORKFLOW, { taskQueue, workflowId: runId, args: [input] });
  const state = await finalState(handle);
  return { runId, state };
}

describe('control flow on the Temporal dev server', () => {
  /** hook → check ─true→ left  ─┐
   *                 │      right ─┴→ join (all, append) → summary
   *                 └false→ declined */
  const branchingPlan = () =>
    compile(
      'flow-branching',
      [
        { id: 'hook', type: 'core.webhook' },
        { id: 'check', type: 'core.if', config: { condition: '{{ trigger.body.go }}' } },
        { id: 'left', type: 'http.request', config: { url: `${baseUrl}/pair/left` } },
        { id: 'right', type: 'http.request', config: { url: `${baseUrl}/pair/right` } },
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

  test('If → two parallel HTTP calls → Merge: the branches overlap, the branch not taken is skipped', async () => {
    events.length = 0;
    const { state } = await runToEnd(branchingPlan(), { go: true });

    assert.equal(state.status, 'succeeded');
    assert.equal(state.nodes.declined?.status, 'skipped');
    assert.deepEqual(state.nodes.summary?.output, { branches: ['left', 'right'] });
    // Both requests reached the API before either was answered: the calls really were in flight together.
    assert.deepEqual(
      events.map((event) => event.what),
      ['arrived', 'arrived', 'answered', 'answered'],
      JSON.stringify(events),
    );
    assert.deepEqual(events.map((event) => event.path).sort(), [
      '/pair/left',
      '/pair/left',
      '/pair/right',
      '/pair/right',
    ]);
    // In workflow time: both branches started before either finished, and the merge started after both.
    const { left, right, join } = state.nodes;
    const started = [left?.startedAt, right?.startedAt].map(Number);
    const ended = [left?.endedAt, right?.endedAt].map(Number);
    assert.ok(Math.max(...started) < Math.min(...ended), `branches started ${started}, ended ${ended}`);
    assert.ok(
      Number(join?.startedAt) >= Math.max(...ended),
      `join started ${join?.startedAt}, branches ended ${ended}`,
    );
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
