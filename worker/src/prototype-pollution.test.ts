import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { builtinStepDefinitions } from '@pipewright/builtin-steps';
import { compileFlow } from '@pipewright/compiler';
import { uniqueName } from '@pipewright/devstack';
import {
  type ExecutionPlan,
  finalStateOfFailure,
  RUN_FLOW_WORKFLOW,
  type RunFlowInput,
  type RunState,
} from '@pipewright/run-contract';
import { toManifest } from '@pipewright/step-sdk';
import { WorkflowFailedError } from '@temporalio/client';
import { compileTestFlow, startTestWorker, type TestNode, type TestWorker, within } from './test-support.ts';

/**
 * Issue 17 §1: a Transform field named `__proto__.x` (or `constructor.prototype.x`) wrote into Object.prototype of the
 * worker's workflow sandbox, which every later run on that worker shares, whatever its workspace: the attacking run
 * "succeeded" and every run after it stayed "running" until the worker restarted.  Here one worker serves workspace A
 * (the attacker) and then workspace B.
 */
const taskQueue = uniqueName('prototype-pollution');
let harness: TestWorker;
before(async () => {
  harness = await startTestWorker(taskQueue);
});
after(async () => {
  await harness?.stop();
});

/** Generous: the machine is shared and slow; a polluted sandbox never finishes at all. */
const RUN_TIMEOUT_MS = 120_000;
const RESERVED = '(it names the object prototype, not data); use another name';

const manual: TestNode = { id: 'start', type: 'core.manual' };
const shapeWith = (fields: { name: string; value: unknown }[]): TestNode => ({
  id: 'shape',
  type: 'core.transform',
  config: { fields },
});

async function startRun(plan: ExecutionPlan, workspaceId: string, trigger: unknown) {
  const id = uniqueName(`run-${workspaceId}`);
  const input: RunFlowInput = { plan, trigger, run: { id, workspaceId, kind: 'manual' }, localTaskQueue: taskQueue };
  return harness.client.workflow.start(RUN_FLOW_WORKFLOW, { taskQueue, workflowId: id, args: [input] });
}

/** Runs the plan in workspace A and returns the final state of the failed run (it must fail, not hang). */
async function failedRunOf(plan: ExecutionPlan, trigger: unknown): Promise<RunState> {
  const handle = await startRun(plan, 'ws-a', trigger);
  const outcome: unknown = await within(
    'the attacking run to end',
    handle.result().then(
      () => undefined,
      (error: unknown) => error,
    ),
    RUN_TIMEOUT_MS,
  );
  assert.ok(outcome instanceof WorkflowFailedError, `the run should fail, got ${String(outcome)}`);
  const state = finalStateOfFailure(outcome);
  assert.ok(state, 'the failure carries the final run state');
  return state;
}

describe('prototype pollution across runs and workspaces', () => {
  test('workspace A: publishing the attacking Transform is refused on the node, naming the field', () => {
    const manifests = new Map(builtinStepDefinitions.map(toManifest).map((manifest) => [manifest.type, manifest]));
    for (const name of ['constructor.prototype.polluted', '__proto__.polluted']) {
      const result = compileFlow(
        {
          schemaVersion: 1,
          nodes: [manual, shapeWith([{ name, value: 'yes' }])].map((node) => ({
            typeVersion: 1,
            position: { x: 0, y: 0 },
            config: {},
            ...node,
          })),
          edges: [{ id: 'start_shape', source: 'start', sourcePort: 'out', target: 'shape' }],
        },
        { get: (type) => manifests.get(type) },
        { flowId: 'flow-attack', version: 1, defaultTaskQueue: taskQueue },
      );
      assert.equal(result.ok, false, `${name} must not compile`);
      assert.deepEqual(result.ok ? [] : result.errors.map(({ code, nodeId, field }) => ({ code, nodeId, field })), [
        { code: 'reserved_key', nodeId: 'shape', field: 'config.fields.0.name' },
      ]);
    }
  });

  test('workspace A: a field name that comes from data fails the node at run time', async () => {
    const plan = compileTestFlow({
      flowId: 'flow-attack-data',
      taskQueue,
      nodes: [manual, shapeWith([{ name: '{{ trigger.field }}', value: 'yes' }])],
      edges: [['start', 'shape']],
    });
    const state = await failedRunOf(plan, { field: '__proto__.polluted' });
    const message = `node "Transform" (shape): fields.0.name: the field name "__proto__.polluted" uses "__proto__", which is reserved ${RESERVED}`;
    assert.equal(state.nodes.shape?.status, 'failed');
    assert.equal(state.nodes.shape?.error?.message, message);
    assert.deepEqual(state.error, { nodeId: 'shape', message });
  });

  test('workspace A: a hand-built plan that bypasses the compiler fails the node at run time', async () => {
    for (const name of ['__proto__.polluted', 'constructor.prototype.polluted']) {
      const plan = compileTestFlow({
        flowId: 'flow-attack-plan',
        taskQueue,
        nodes: [manual, shapeWith([{ name: 'harmless', value: 'yes' }])],
        edges: [['start', 'shape']],
      });
      const shape = plan.nodes.find((node) => node.id === 'shape');
      assert.ok(shape);
      shape.config = { ...shape.config, fields: [{ name, value: 'yes' }] };
      const state = await failedRunOf(plan, {});
      assert.equal(state.nodes.shape?.status, 'failed');
      assert.match(
        state.nodes.shape?.error?.message ?? '',
        /^node "Transform" \(shape\): fields\.0\.name: the field name ".+" uses ".+", which is reserved/,
      );
    }
  });

  // A polluted sandbox broke the SDK's own workflow code, so this run never finished: finishing is the main proof.
  // JSONata reads own keys only, so the `{}` probes below show what expressions see, not Object.prototype itself.
  test('workspace B, same worker: a normal flow succeeds and sees a clean {}', async () => {
    const plan = compileTestFlow({
      flowId: 'flow-normal',
      taskQueue,
      nodes: [
        manual,
        shapeWith([
          { name: 'keysOfEmptyObject', value: '{{ $count($keys({})) }}' },
          { name: 'emptyObject', value: '{{ $string({}) }}' },
          { name: 'order.total', value: '{{ trigger.total }}' },
        ]),
      ],
      edges: [['start', 'shape']],
    });
    const handle = await startRun(plan, 'ws-b', { total: 12 });
    const state: RunState = await within('the normal run in workspace B to finish', handle.result(), RUN_TIMEOUT_MS);
    assert.equal(state.status, 'succeeded');
    assert.deepEqual(state.nodes.shape?.output, { keysOfEmptyObject: 0, emptyObject: '{}', order: { total: 12 } });
  });
});
