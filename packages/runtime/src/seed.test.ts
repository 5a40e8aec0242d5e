/// <reference types="node" />
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ExecutionPlan, PlanInput, PlanNode, RunSeed, RunState } from '@pipewright/run-contract';
import type { RunEffects } from './effects.ts';
import { createInitialState, executePlan } from './execute-plan.ts';
import { seededNodes } from './seed.ts';

const RETRY = { maxAttempts: 1, initialIntervalMs: 1, backoffCoefficient: 1, maxIntervalMs: 1 };
const from = (nodeId: string, port = 'out'): PlanInput => ({ nodeId, port });

function planNode(id: string, inputs: PlanInput[], overrides: Partial<PlanNode> = {}): PlanNode {
  return {
    id,
    type: 'http.request',
    typeVersion: 1,
    title: id,
    kind: 'action',
    runsIn: 'activity',
    upstream: [...new Set(inputs.map((input) => input.nodeId))],
    inputs,
    outputs: ['out'],
    config: {},
    retry: RETRY,
    timeoutMs: 30_000,
    taskQueue: 'q',
    ...overrides,
  };
}

const trigger = planNode('hook', [], { type: 'core.webhook', kind: 'trigger', runsIn: 'workflow' });
const ifNode = (id: string, inputs: PlanInput[], condition: string) =>
  planNode(id, inputs, {
    type: 'core.if',
    kind: 'transform',
    runsIn: 'workflow',
    config: { condition },
    outputs: ['true', 'false'],
  });

function plan(nodes: PlanNode[]): ExecutionPlan {
  return {
    planFormat: 1,
    runtimeVersion: 1,
    expressionEngine: 'jsonata@2.2.2',
    flowId: 'flow-1',
    version: 1,
    hash: 'test',
    triggerNodeId: 'hook',
    nodes,
  };
}

/** Steps answer with their node id and the input they got; `failing` nodes fail. */
function effectsWith(failing: Set<string> = new Set()) {
  let clock = 0;
  const calls: string[] = [];
  const effects: RunEffects = {
    now: () => clock++,
    async executeStep(request) {
      calls.push(request.nodeId);
      if (failing.has(request.nodeId)) throw { message: `${request.nodeId} failed`, attempts: 1 };
      return { output: { from: request.nodeId, got: request.input }, attempts: 1 };
    },
  };
  return { effects, calls };
}

async function run(nodes: PlanNode[], effects: RunEffects, seed?: RunSeed): Promise<RunState> {
  const thePlan = plan(nodes);
  const input = { plan: thePlan, trigger: { body: { total: 500 } }, run: { id: 'run-2', workspaceId: 'ws' }, seed };
  return executePlan(input, effects, createInitialState(thePlan, 0));
}

/** hook → fetch → check (If total > 100) → true: save → notify; false: skip_me. */
const flow = [
  trigger,
  planNode('fetch', [from('hook')], { config: { total: '{{ trigger.body.total }}' } }),
  ifNode('check', [from('fetch')], '{{ trigger.body.total > 100 }}'),
  planNode('save', [from('check', 'true')], { config: { fetched: '{{ steps.fetch.from }}' } }),
  planNode('skip_me', [from('check', 'false')]),
  planNode('notify', [from('save')]),
];

describe('retry from the failed step (seed)', () => {
  test('a failed run records the ports its branch fired; a retry seeded with its succeeded nodes runs only the rest', async () => {
    const first = effectsWith(new Set(['save']));
    const failed = await run(flow, first.effects);
    assert.equal(failed.status, 'failed');
    assert.deepEqual(failed.nodes.check?.ports, ['true']);
    assert.equal(failed.nodes.fetch?.ports, undefined, 'a node with only `out` records no ports');

    const seed: RunSeed = { fromRunId: 'run-1', nodes: {} };
    for (const [id, node] of Object.entries(failed.nodes)) {
      if (node.status === 'succeeded' && id !== 'hook') {
        seed.nodes[id] = node.ports ? { output: node.output, ports: node.ports } : { output: node.output };
      }
    }
    const second = effectsWith();
    const retried = await run(flow, second.effects, seed);
    assert.equal(retried.status, 'succeeded');
    assert.deepEqual(second.calls, ['save', 'notify'], 'fetch is not called again');
    assert.deepEqual(retried.nodes.fetch, {
      status: 'succeeded',
      output: failed.nodes.fetch?.output,
      attempts: 0,
      reused: true,
    });
    assert.equal(retried.nodes.check?.reused, true);
    assert.equal(retried.nodes.skip_me?.status, 'skipped', 'the branch not taken stays untaken');
    assert.deepEqual(retried.nodes.save?.input, { fetched: 'fetch' }, 'the reused output feeds the step downstream');
  });

  test('a node whose ports are unknown, the trigger and nodes the plan lacks are not reused', () => {
    const thePlan = plan(flow);
    const reused = seededNodes(thePlan, {
      fromRunId: 'run-1',
      nodes: {
        hook: { output: 'stale trigger' },
        fetch: { output: 1 },
        check: { output: 2 },
        gone: { output: 3 },
      },
    });
    assert.deepEqual([...reused.entries()], [['fetch', { output: 1, ports: ['out'] }]]);
    assert.equal(seededNodes(thePlan, undefined).size, 0);
  });

  test('a seed entry named __proto__ stays data', () => {
    const nodes = JSON.parse('{"__proto__": {"output": 1}, "fetch": {"output": 2}}') as RunSeed['nodes'];
    const reused = seededNodes(plan(flow), { fromRunId: 'run-1', nodes });
    assert.deepEqual([...reused.keys()], ['fetch']);
  });
});
