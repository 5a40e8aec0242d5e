import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { uniqueName } from '@pipewright/devstack';
import {
  type ExecutionPlan,
  finalStateOfFailure,
  RUN_FLOW_WORKFLOW,
  type RunFlowInput,
  type RunState,
} from '@pipewright/run-contract';
import { compileTestFlow, startTestWorker, type TestWorker, within } from './test-support.ts';

/**
 * Expressions that never stop, on the real workflow sandbox: before the limits, each kept its workflow task failing
 * (Temporal's activation deadline) and the run looked "running" forever.  Now the node fails with a clear error
 * and the run follows the node's error settings.  The `within` bounds are generous (the machine may be loaded); what
 * they prove is that the run ends at all.
 */
const taskQueue = uniqueName('runaway-expressions-test');
let harness: TestWorker;

before(async () => {
  harness = await startTestWorker(taskQueue);
});

after(async () => {
  await harness?.stop();
});

/** hook → compute (the expression; failures take its error port) ─error→ handled; ─out→ used. */
function guardedFlow(flowId: string, expression: string): ExecutionPlan {
  return compileTestFlow({
    flowId,
    taskQueue,
    nodes: [
      { id: 'hook', type: 'core.webhook' },
      {
        id: 'compute',
        type: 'core.transform',
        config: { fields: [{ name: 'value', value: `{{ ${expression} }}` }] },
        settings: { onError: 'errorOutput' },
      },
      {
        id: 'handled',
        type: 'core.transform',
        config: { fields: [{ name: 'reason', value: '{{ input.error.message }}' }] },
      },
      { id: 'used', type: 'core.transform', config: { fields: [{ name: 'value', value: '{{ input.value }}' }] } },
    ],
    edges: [
      ['hook', 'compute'],
      ['compute', 'handled', 'error'],
      ['compute', 'used'],
    ],
  });
}

async function run(plan: ExecutionPlan, body: unknown): Promise<RunState> {
  const runId = uniqueName('run');
  const input: RunFlowInput = {
    plan,
    trigger: { method: 'POST', headers: {}, query: {}, body },
    run: { id: runId, workspaceId: 'ws-1', kind: 'webhook' },
    localTaskQueue: taskQueue,
  };
  const handle = await harness.client.workflow.start(RUN_FLOW_WORKFLOW, {
    taskQueue,
    workflowId: runId,
    args: [input],
  });
  const result = handle.result().then(
    (state: RunState) => state,
    (error: unknown) => finalStateOfFailure(error) ?? assert.fail(`the run ended without a state: ${String(error)}`),
  );
  return within(`run ${runId} of ${plan.flowId} to end`, result, 120_000);
}

function assertTookErrorBranch(state: RunState, message: RegExp): void {
  assert.equal(state.status, 'succeeded', JSON.stringify(state.error));
  assert.equal(state.nodes.compute?.status, 'failed');
  assert.match(state.nodes.compute?.error?.message ?? '', message);
  assert.equal(state.nodes.used?.status, 'skipped');
  assert.equal(state.nodes.handled?.status, 'succeeded');
  const output = state.nodes.handled?.output;
  assert.ok(typeof output === 'object' && output !== null && 'reason' in output);
  assert.match(String(output.reason), message);
}

describe('runaway expressions in a Transform, on the real workflow sandbox', () => {
  test('a recursive function without a base case fails its node at the depth limit', async () => {
    const plan = guardedFlow('flow-recursion', '($f := function($n) { 1 + $f($n + 1) }; $f(0))');
    const state = await run(plan, {});
    assertTookErrorBranch(
      state,
      /^node "Transform" \(compute\): config\.fields\.0\.value: expression nested deeper than 500 levels: a recursive function that never reaches its base case\?$/,
    );
  });

  test('endless tail recursion fails its node at the time (step) limit', async () => {
    // Past the workflow's 5,000 steps the node is evaluated again in an activity, which stops it at 200,000.
    const plan = guardedFlow('flow-tail-recursion', '($f := function($n) { $f($n + 1) }; $f(0))');
    const state = await run(plan, {});
    assertTookErrorBranch(state, /expression exceeded its time limit of 200,000 evaluation steps/);
  });

  test('a catastrophic-backtracking regex answers in linear time in $match, $replace and $contains', async () => {
    const text = `${'a'.repeat(40_000)}!`;
    const plan = compileTestFlow({
      flowId: 'flow-evil-regex',
      taskQueue,
      nodes: [
        { id: 'hook', type: 'core.webhook' },
        {
          id: 'compute',
          type: 'core.transform',
          config: {
            fields: [
              { name: 'match', value: '{{ $match(trigger.body.text, /^(a+)+$/) }}' },
              { name: 'replaced', value: '{{ $length($replace(trigger.body.text, /(a|aa)+b/, "x")) }}' },
              { name: 'contains', value: '{{ $contains(trigger.body.text, /^(a*)*b$/) }}' },
            ],
          },
        },
      ],
      edges: [['hook', 'compute']],
    });
    const state = await run(plan, { text });
    assert.equal(state.status, 'succeeded', JSON.stringify(state.error));
    assert.deepEqual(state.nodes.compute?.output, { match: null, replaced: text.length, contains: false });
  });

  test('legitimate work beyond the workflow budget (a 5,000-item map, regex over 1 MB) runs in an activity', async () => {
    const expression =
      '{ "mapped": $count([1..5000].{ "v": $ * 2, "label": "item " & $string($) }),' +
      ' "matched": $length($match($pad("", 1000000, "a"), /^(a|aa)+$/).match) }';
    const state = await run(guardedFlow('flow-big-but-finite', expression), {});
    assert.equal(state.status, 'succeeded', JSON.stringify(state.error));
    assert.deepEqual(state.nodes.compute?.output, { value: { mapped: 5000, matched: 1_000_000 } });
    assert.equal(state.nodes.handled?.status, 'skipped');
  });

  test('without an error branch, the run fails with the node and its message', async () => {
    const plan = compileTestFlow({
      flowId: 'flow-recursion-fails-run',
      taskQueue,
      nodes: [
        { id: 'hook', type: 'core.webhook' },
        {
          id: 'compute',
          type: 'core.transform',
          config: { fields: [{ name: 'value', value: '{{ ($f := function($n) { 1 + $f($n + 1) }; $f(0)) }}' }] },
        },
      ],
      edges: [['hook', 'compute']],
    });
    const state = await run(plan, {});
    assert.equal(state.status, 'failed');
    assert.equal(state.error?.nodeId, 'compute');
    assert.match(state.error?.message ?? '', /expression nested deeper than 500 levels/);
  });
});
