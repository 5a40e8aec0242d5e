import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { uniqueName } from '@pipewright/devstack';
import {
  type ExecutionPlan,
  MAX_RECORDED_ITERATIONS,
  RUN_FLOW_WORKFLOW,
  type RunFlowInput,
  type RunState,
  resumeSignal,
  stateQuery,
} from '@pipewright/run-contract';
import type { Client, WorkflowHandle } from '@temporalio/client';
import {
  closeLocally,
  compileTestFlow,
  finalState,
  listenLocally,
  startTestWorker,
  type TestNode,
  type TestWorker,
  waitFor,
  within,
} from './test-support.ts';

/** The loop's concurrency in the HTTP loop test. */
const LANES = 10;

/**
 * A local API: `/item/<n>` answers `{ n }`.  The first LANES requests are held open until all of them have arrived
 * (so they are provably in flight together), then answered at once; later ones are answered as they come.  The most
 * requests ever unanswered at once is kept.
 */
let inFlight = 0;
let maxInFlight = 0;
let held: (() => void)[] = [];
let holding = false;
let firstWaveArrived = () => {};
let firstWave = Promise.resolve();
const releaseHeld = () => {
  holding = false;
  for (const answer of held.splice(0)) answer();
};
const server = createServer((request: IncomingMessage, response: ServerResponse) => {
  inFlight++;
  maxInFlight = Math.max(maxInFlight, inFlight);
  request.resume();
  const n = Number((request.url ?? '').split('/').at(-1));
  const answer = () => {
    inFlight--;
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ n }));
  };
  if (!holding) {
    answer();
    return;
  }
  held.push(answer);
  if (held.length === LANES) {
    firstWaveArrived();
    releaseHeld();
  }
});

/** Holds the next LANES `/item` requests until they are all in flight. */
function holdFirstWave(): void {
  maxInFlight = 0;
  held = [];
  holding = true;
  firstWave = new Promise((resolve) => {
    firstWaveArrived = resolve;
  });
}

const taskQueue = uniqueName('flow-steps-test');
let baseUrl = '';
let harness: TestWorker;
let client: Client;

before(async () => {
  baseUrl = await listenLocally(server);
  harness = await startTestWorker(taskQueue);
  client = harness.client;
});

after(async () => {
  releaseHeld(); // should a test have failed while requests were held
  await harness?.stop();
  await closeLocally(server);
});

const compile = (flowId: string, nodes: TestNode[], edges: [string, string, string?][]): ExecutionPlan =>
  compileTestFlow({ flowId, taskQueue, nodes, edges });

async function start(plan: ExecutionPlan, body: unknown): Promise<WorkflowHandle> {
  const runId = uniqueName('run');
  const input: RunFlowInput = {
    plan,
    trigger: { method: 'POST', headers: {}, query: {}, body },
    run: { id: runId, workspaceId: 'ws-1', kind: 'webhook' },
    localTaskQueue: taskQueue,
  };
  return client.workflow.start(RUN_FLOW_WORKFLOW, { taskQueue, workflowId: runId, args: [input] });
}

/** Asks the state query until the node is waiting (the run is parked on its wait). */
const untilWaiting = (handle: WorkflowHandle, nodeId: string): Promise<RunState> =>
  waitFor(`node "${nodeId}" of ${handle.workflowId} to be waiting`, async () => {
    const state = await handle.query(stateQuery);
    return state.nodes[nodeId]?.status === 'waiting' ? state : undefined;
  });

describe('Wait, Loop and Sub-flow on the Temporal dev server', () => {
  test('a 1-second delay is a durable timer: the node waits, then the run goes on', async () => {
    const plan = compile(
      'flow-delay',
      [
        { id: 'hook', type: 'core.webhook' },
        { id: 'pause', type: 'core.wait', config: { mode: 'delay', durationSeconds: 1 } },
        { id: 'after', type: 'core.transform', config: { fields: [{ name: 'ok', value: true }] } },
      ],
      [
        ['hook', 'pause'],
        ['pause', 'after'],
      ],
    );
    const handle = await start(plan, {});
    const waiting = (await untilWaiting(handle, 'pause')).nodes.pause;
    assert.equal(waiting?.waitingUntil, Number(waiting?.startedAt) + 1000, 'waiting until one second after it started');
    const state = await finalState(handle);
    assert.equal(state.status, 'succeeded');
    const { pause } = state.nodes;
    assert.deepEqual(pause?.output, { waitedUntil: new Date(Number(waiting?.waitingUntil)).toISOString() });
    assert.ok(Number(pause?.endedAt) >= Number(waiting?.waitingUntil), 'the run went on only once the timer fired');
    assert.deepEqual(state.nodes.after?.output, { ok: true });
  });

  const approvalPlan = (timeoutSeconds: number) =>
    compile(
      'flow-approval',
      [
        { id: 'hook', type: 'core.webhook' },
        { id: 'approve', type: 'core.wait', config: { mode: 'event', eventName: 'approval', timeoutSeconds } },
        { id: 'approved', type: 'core.transform', config: { fields: [{ name: 'by', value: '{{ input.by }}' }] } },
        { id: 'expired', type: 'core.transform', config: { fields: [{ name: 'expired', value: true }] } },
      ],
      [
        ['hook', 'approve'],
        ['approve', 'approved'],
        ['approve', 'expired', 'timeout'],
      ],
    );

  test('an event wait resumes on the resume signal, with its payload', async () => {
    const handle = await start(approvalPlan(3600), {});
    const waiting = await untilWaiting(handle, 'approve');
    assert.equal(waiting.nodes.approve?.waitingFor, 'approval');
    await handle.signal(resumeSignal, { eventName: 'other', payload: { by: 'nobody' } });
    await handle.signal(resumeSignal, { eventName: 'approval', payload: { by: 'ada' } });
    const state = await finalState(handle);
    assert.deepEqual(state.nodes.approved?.output, { by: 'ada' }, 'the resume with another name did not wake it');
    assert.equal(state.nodes.expired?.status, 'skipped');
  });

  test('an event wait that times out takes the timeout path', async () => {
    const state = await finalState(await start(approvalPlan(1), {}));
    assert.equal(state.status, 'succeeded');
    assert.equal(state.nodes.approved?.status, 'skipped');
    assert.deepEqual(state.nodes.expired?.output, { expired: true });
  });

  test('a sub-flow runs as a child workflow: input mapped in, the child’s output back; its failure fails the node', async () => {
    const child = compile(
      'flow-child',
      [
        { id: 'start', type: 'core.manual' },
        {
          id: 'greet',
          type: 'core.transform',
          config: { fields: [{ name: 'greeting', value: '{{ "Hello " & trigger.name }}' }] },
        },
      ],
      [['start', 'greet']],
    );
    const parent = compile(
      'flow-parent',
      [
        { id: 'hook', type: 'core.webhook' },
        {
          id: 'call',
          type: 'core.subflow',
          config: { flowId: 'flow-child', input: { name: '{{ trigger.body.name }}' } },
        },
        {
          id: 'shout',
          type: 'core.transform',
          config: { fields: [{ name: 'loud', value: '{{ $uppercase(input.greeting) }}' }] },
        },
      ],
      [
        ['hook', 'call'],
        ['call', 'shout'],
      ],
    );
    const call = parent.nodes.find((node) => node.id === 'call');
    assert.ok(call);
    call.subflow = { flowId: 'flow-child', version: 1, plan: child };
    const handle = await start(parent, { name: 'Ada' });
    const state = await finalState(handle);
    assert.equal(state.status, 'succeeded');
    assert.deepEqual(state.nodes.call?.output, { greeting: 'Hello Ada' });
    assert.deepEqual(state.nodes.shout?.output, { loud: 'HELLO ADA' });
    const childRun = await client.workflow.getHandle(`${handle.workflowId}-call`).describe();
    assert.equal(childRun.searchAttributes.RunTrigger?.[0], 'subflow');

    const failing = compile(
      'flow-child-failing',
      [
        { id: 'start', type: 'core.manual' },
        { id: 'boom', type: 'core.transform', config: { fields: [{ name: 'x', value: '{{ $error("no stock") }}' }] } },
      ],
      [['start', 'boom']],
    );
    call.subflow = { flowId: 'flow-child-failing', version: 2, plan: failing };
    const failed = await finalState(await start(parent, { name: 'Bo' }));
    assert.equal(failed.status, 'failed');
    assert.match(
      failed.error?.message ?? '',
      /sub-flow flow-child-failing \(version 2\) failed: node "boom" failed: .*no stock/,
    );
  });

  test('a 200-item loop calling a local API, 10 at a time: results in item order', async () => {
    const plan = compile(
      'flow-loop-http',
      [
        { id: 'hook', type: 'core.webhook' },
        { id: 'each', type: 'core.loop', config: { items: '{{ [1..200] }}', concurrency: LANES } },
        { id: 'fetch', type: 'http.request', parentId: 'each', config: { url: `{{ "${baseUrl}/item/" & item }}` } },
        {
          id: 'pick',
          type: 'core.transform',
          parentId: 'each',
          config: { fields: [{ name: 'n', value: '{{ input.body.n }}' }] },
        },
      ],
      [
        ['hook', 'each'],
        ['fetch', 'pick'],
      ],
    );
    holdFirstWave();
    const handle = await start(plan, {});
    await within(() => `${LANES} /item requests in flight together (${held.length} arrived)`, firstWave);
    const state = await finalState(handle);
    assert.equal(state.status, 'succeeded');
    assert.deepEqual(
      state.nodes.each?.output,
      Array.from({ length: 200 }, (_, i) => ({ n: i + 1 })),
    );
    // The most requests the API ever had open: ten at once, never more (the calls are local activities, which the
    // run's history does not show one by one).
    assert.equal(maxInFlight, LANES, 'the API had ten requests open at once, never more');
    // The run view's per-iteration detail: the first MAX_RECORDED_ITERATIONS iterations, each body node's state.
    const iterations = state.nodes.each?.iterations ?? [];
    assert.deepEqual(
      iterations.map((iteration) => iteration.index),
      Array.from({ length: MAX_RECORDED_ITERATIONS }, (_, i) => i),
    );
    assert.deepEqual(iterations[5]?.nodes.pick?.output, { n: 6 });
    assert.equal(iterations[5]?.nodes.fetch?.status, 'succeeded');
  });

  test('a 10,000-item transform-only loop completes (slices evaluated by activities)', async () => {
    const plan = compile(
      'flow-loop-10k',
      [
        { id: 'hook', type: 'core.webhook' },
        { id: 'each', type: 'core.loop', config: { items: '{{ [0..9999] }}', concurrency: 5 } },
        {
          id: 'double',
          type: 'core.transform',
          parentId: 'each',
          config: { fields: [{ name: 'v', value: '{{ item * 2 }}' }] },
        },
      ],
      [['hook', 'each']],
    );
    const handle = await start(plan, {});
    const state = await finalState(handle);
    assert.equal(state.status, 'succeeded');
    const output = state.nodes.each?.output as { v: number }[];
    assert.equal(output.length, 10_000);
    assert.deepEqual(output[9_999], { v: 19_998 });
    // Iterations evaluated by activities are recorded there and come back with the slice (the first ones only).
    const iterations = state.nodes.each?.iterations ?? [];
    assert.equal(iterations.length, MAX_RECORDED_ITERATIONS);
    assert.deepEqual(iterations[19]?.nodes.double?.output, { v: 38 });
    const history = await handle.fetchHistory();
    assert.ok(
      (history.events?.length ?? 0) < 200,
      `the parent's history stays short (${history.events?.length} events)`,
    );
  });
});
