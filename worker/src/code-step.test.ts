import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { uniqueName } from '@pipewright/devstack';
import {
  type ExecutionPlan,
  finalStateOfFailure,
  RUN_FLOW_WORKFLOW,
  type RunFlowInput,
  type RunState,
} from '@pipewright/run-contract';
import { type Client, WorkflowFailedError } from '@temporalio/client';
import { compileTestFlow, startTestWorker, type TestWorker } from './test-support.ts';

/** The Code step through the real stack: a QuickJS sandbox inside the core worker's activity. */
const taskQueue = uniqueName('code-step');
let harness: TestWorker;
let client: Client;

before(async () => {
  harness = await startTestWorker(taskQueue);
  client = harness.client;
});
after(async () => {
  await harness?.stop();
});

function plan(code: string): ExecutionPlan {
  return compileTestFlow({
    flowId: 'code',
    taskQueue,
    nodes: [
      { id: 'hook', type: 'core.manual' },
      { id: 'code', type: 'code.javascript', config: { code, input: '{{ trigger.body }}' } },
    ],
    edges: [['hook', 'code']],
  });
}

async function run(code: string, body: unknown): Promise<RunState> {
  const workflowId = uniqueName('run_code');
  const input: RunFlowInput = {
    plan: plan(code),
    trigger: { body },
    run: { id: workflowId, workspaceId: 'w', kind: 'manual' },
    localTaskQueue: taskQueue,
  };
  const handle = await client.workflow.start(RUN_FLOW_WORKFLOW, { taskQueue, workflowId, args: [input] });
  try {
    return (await handle.result()) as RunState;
  } catch (error) {
    const state = error instanceof WorkflowFailedError ? finalStateOfFailure(error) : undefined;
    if (!state) throw error;
    return state;
  }
}

test('a Code step computes from its input and its console output reaches the run view', async () => {
  const state = await run('console.log("doubling", input.x); return { n: input.x * 2 };', { x: 21 });
  assert.equal(state.status, 'succeeded');
  assert.deepEqual(state.nodes.code?.output, { result: { n: 42 }, logs: [{ level: 'log', message: 'doubling 21' }] });
});

test('an escape attempt fails only its node, cleanly and at once; the worker keeps serving runs', async () => {
  const escaped = await run("return this.constructor.constructor('return process')().env", {});
  assert.equal(escaped.status, 'failed');
  assert.match(escaped.nodes.code?.error?.message ?? '', /process.*not defined/);
  assert.equal(escaped.nodes.code?.attempts, 1, 'user code errors are not retried');
  const looping = await run('while (true) {}', {});
  assert.match(looping.nodes.code?.error?.message ?? '', /timed out/);
  const after = await run('return input.ok', { ok: 'still fine' });
  assert.deepEqual(after.nodes.code?.output, { result: 'still fine', logs: [] });
});
