import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { builtinStepDefinitions } from '@pipewright/builtin-steps';
import { compileFlow, type ExecutionPlan } from '@pipewright/compiler';
import { getTestStack, uniqueName } from '@pipewright/devstack';
import type { RunState } from '@pipewright/runtime';
import { toManifest } from '@pipewright/step-sdk';
import { Client, Connection, WorkflowFailedError } from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { type RunningWorker, startWorker } from './start-worker.ts';
import { finalStateOfFailure, RUN_FLOW_WORKFLOW, type RunFlowInput } from './workflows/contract.ts';

/** The Code step through the real stack: a QuickJS sandbox inside the core worker's activity. */
const taskQueue = uniqueName('code-step');
const manifests = new Map(builtinStepDefinitions.map(toManifest).map((m) => [m.type, m]));
let worker: RunningWorker;
let connection: Connection;
let client: Client;

before(async () => {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const stack = await getTestStack();
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
});

function plan(code: string): ExecutionPlan {
  const document = {
    schemaVersion: 1,
    nodes: [
      { id: 'hook', type: 'core.manual', typeVersion: 1, position: { x: 0, y: 0 }, config: {} },
      {
        id: 'code',
        type: 'code.javascript',
        typeVersion: 1,
        position: { x: 0, y: 0 },
        config: { code, input: '{{ trigger.body }}' },
      },
    ],
    edges: [{ id: 'e', source: 'hook', target: 'code' }],
  };
  const result = compileFlow(
    document,
    { get: (type) => manifests.get(type) },
    { flowId: 'code', version: 1, defaultTaskQueue: taskQueue },
  );
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.plan;
}

async function run(code: string, body: unknown): Promise<RunState> {
  const workflowId = uniqueName('run_code');
  const input: RunFlowInput = {
    plan: plan(code),
    trigger: { body },
    run: { id: workflowId, workspaceId: 'w', kind: 'manual' },
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
