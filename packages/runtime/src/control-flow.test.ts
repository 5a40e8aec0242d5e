/// <reference types="node" />
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ExecutionPlan, PlanInput, PlanNode, RunState } from '@pipewright/run-contract';
import type { RunEffects, StepActivityRequest, StepActivityResult } from './effects.ts';
import { createInitialState, executePlan } from './execute-plan.ts';

const RETRY = { maxAttempts: 1, initialIntervalMs: 1000, backoffCoefficient: 2, maxIntervalMs: 30_000 };
const RUN = { id: 'run-1', workspaceId: 'ws-1' };

/** `from('a')` = edge from a's `out`; `from('check', 'true')` = from a named port. */
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
    config: {},
    retry: RETRY,
    timeoutMs: 30_000,
    taskQueue: 'q',
    ...overrides,
  };
}
const trigger = planNode('hook', [], { type: 'core.webhook', kind: 'trigger', runsIn: 'workflow' });
const inWorkflow = (id: string, type: string, inputs: PlanInput[], config: Record<string, unknown>) =>
  planNode(id, inputs, { type, kind: 'transform', runsIn: 'workflow', config });
const ifNode = (id: string, inputs: PlanInput[], condition: string) => inWorkflow(id, 'core.if', inputs, { condition });
const merge = (id: string, inputs: PlanInput[], config: Record<string, unknown>) =>
  inWorkflow(id, 'core.merge', inputs, config);
const value = (id: string, inputs: PlanInput[], result: unknown) =>
  inWorkflow(id, 'core.transform', inputs, { fields: [{ name: 'v', value: result }] });

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

/** Activities answered by `respond` (default: echo the node id); calls are recorded in order. */
function effectsWith(respond: (request: StepActivityRequest) => Promise<StepActivityResult> | StepActivityResult) {
  let clock = 0;
  const calls: string[] = [];
  const effects: RunEffects = {
    now: () => clock++,
    async executeStep(request) {
      calls.push(request.nodeId);
      return respond(request);
    },
  };
  return { effects, calls };
}

async function run(nodes: PlanNode[], triggerOutput: unknown, effects: RunEffects): Promise<RunState> {
  const thePlan = plan(nodes);
  return executePlan({ plan: thePlan, trigger: triggerOutput, run: RUN }, effects, createInitialState(thePlan, 0));
}
const statuses = (state: RunState) =>
  Object.fromEntries(Object.entries(state.nodes).map(([id, node]) => [id, node.status]));
const echo = () => effectsWith((request) => ({ output: { from: request.nodeId }, attempts: 1 }));

describe('If', () => {
  const ifFlow = [
    trigger,
    ifNode('check', [from('hook')], '{{ input.total > 100 }}'),
    planNode('big', [from('check', 'true')]),
    planNode('big_after', [from('big')]),
    planNode('small', [from('check', 'false')]),
  ];

  test('true: the true branch runs; the false branch is skipped', async () => {
    const { effects, calls } = echo();
    const state = await run(ifFlow, { total: 500 }, effects);
    assert.equal(state.status, 'succeeded');
    assert.deepEqual(statuses(state), {
      hook: 'succeeded',
      check: 'succeeded',
      big: 'succeeded',
      big_after: 'succeeded',
      small: 'skipped',
    });
    assert.deepEqual(calls, ['big', 'big_after']);
    assert.deepEqual(state.nodes.check?.output, { total: 500 }, 'If passes its input through');
  });

  test('false: the true branch and its descendants are skipped', async () => {
    const { effects, calls } = echo();
    const state = await run(ifFlow, { total: 5 }, effects);
    assert.deepEqual(statuses(state), {
      hook: 'succeeded',
      check: 'succeeded',
      big: 'skipped',
      big_after: 'skipped',
      small: 'succeeded',
    });
    assert.deepEqual(calls, ['small']);
  });
});

describe('Switch', () => {
  const switchFlow = (mode: string) => [
    trigger,
    inWorkflow('route', 'core.switch', [from('hook')], {
      mode,
      cases: [
        { id: 'big', label: 'Big', condition: '{{ input.total > 100 }}' },
        { id: 'even', label: 'Even', condition: '{{ input.total % 2 = 0 }}' },
      ],
    }),
    planNode('on_big', [from('route', 'big')]),
    planNode('on_even', [from('route', 'even')]),
    planNode('on_default', [from('route', 'default')]),
  ];
  const cases: { name: string; mode: string; total: number; ran: string[] }[] = [
    { name: 'first: only the first matching case', mode: 'first', total: 200, ran: ['on_big'] },
    { name: 'all: every matching case', mode: 'all', total: 200, ran: ['on_big', 'on_even'] },
    { name: 'first: a later case when the first does not match', mode: 'first', total: 4, ran: ['on_even'] },
    { name: 'no case matches: default', mode: 'all', total: 7, ran: ['on_default'] },
  ];
  for (const { name, mode, total, ran } of cases) {
    test(name, async () => {
      const { effects, calls } = echo();
      const state = await run(switchFlow(mode), { total }, effects);
      assert.equal(state.status, 'succeeded');
      assert.deepEqual(calls, ran);
      for (const id of ['on_big', 'on_even', 'on_default']) {
        assert.equal(state.nodes[id]?.status, ran.includes(id) ? 'succeeded' : 'skipped', id);
      }
    });
  }
});

describe('Merge', () => {
  const lists = {
    left: [
      { id: 1, name: 'Ada' },
      { id: 2, name: 'Bob' },
    ],
    right: [{ id: 2, age: 40 }, { id: 3, age: 30 }, { id: 9 }],
  };
  test('append: values that are not lists are added as items', async () => {
    const state = await run(
      [
        trigger,
        value('left', [from('hook')], '{{ trigger.left }}'),
        value('right', [from('hook')], '{{ trigger.right }}'),
        merge('join', [from('left'), from('right')], { wait: 'all', combine: 'append' }),
      ],
      lists,
      echo().effects,
    );
    assert.deepEqual(state.nodes.join?.output, [{ v: lists.left }, { v: lists.right }]);
  });

  const listsFlow = (config: Record<string, unknown>) => [
    trigger,
    planNode('left', [from('hook')]),
    planNode('right', [from('hook')]),
    merge('join', [from('left'), from('right')], config),
  ];
  const answering = () =>
    effectsWith((request) => ({ output: request.nodeId === 'left' ? lists.left : lists.right, attempts: 1 }));

  test('append: lists concatenated in edge order', async () => {
    const state = await run(listsFlow({ wait: 'all', combine: 'append' }), {}, answering().effects);
    assert.deepEqual(state.nodes.join?.output, [...lists.left, ...lists.right]);
  });

  test('byPosition: item i of every input merged', async () => {
    const state = await run(listsFlow({ wait: 'all', combine: 'byPosition' }), {}, answering().effects);
    assert.deepEqual(state.nodes.join?.output, [
      { id: 2, name: 'Ada', age: 40 },
      { id: 3, name: 'Bob', age: 30 },
      { id: 9 },
    ]);
  });

  test('byKey: objects joined on the key, unmatched ones kept', async () => {
    const state = await run(listsFlow({ wait: 'all', combine: 'byKey', key: 'id' }), {}, answering().effects);
    assert.deepEqual(state.nodes.join?.output, [
      { id: 1, name: 'Ada' },
      { id: 2, name: 'Bob', age: 40 },
      { id: 3, age: 30 },
      { id: 9 },
    ]);
  });

  test('byKey without a key fails the merge, naming the field', async () => {
    const state = await run(listsFlow({ wait: 'all', combine: 'byKey' }), {}, answering().effects);
    assert.equal(state.status, 'failed');
    assert.match(state.nodes.join?.error?.message ?? '', /node "join": key: name the field/);
  });

  /** Three branches the test finishes one by one. */
  function parkedBranches() {
    const pending = new Map<string, (result: StepActivityResult) => void>();
    const started: string[] = [];
    let notify: (() => void) | undefined;
    const watchers: { check(): boolean; resolve(): void }[] = [];
    const effects: RunEffects = {
      now: () => 0,
      onStateChange() {
        for (const watcher of [...watchers]) {
          if (!watcher.check()) continue;
          watchers.splice(watchers.indexOf(watcher), 1);
          watcher.resolve();
        }
      },
      executeStep: (request) =>
        new Promise((resolve) => {
          started.push(request.nodeId);
          pending.set(request.nodeId, resolve);
          notify?.();
        }),
    };
    const startedCount = (count: number) =>
      started.length >= count ? Promise.resolve() : new Promise<void>((resolve) => (notify = resolve));
    const settle = (id: string) => pending.get(id)?.({ output: { from: id }, attempts: 1 });
    const stateReaches = (check: () => boolean) =>
      check() ? Promise.resolve() : new Promise<void>((resolve) => watchers.push({ check, resolve }));
    return { effects, started, startedCount, settle, stateReaches };
  }
  const racingFlow = (config: Record<string, unknown>) => [
    trigger,
    planNode('a', [from('hook')]),
    planNode('b', [from('hook')]),
    planNode('c', [from('hook')]),
    merge('join', [from('a'), from('b'), from('c')], config),
    planNode('after', [from('join')]),
  ];

  test('first: runs as soon as the first input arrives, passing it through; later arrivals are ignored', async () => {
    const branches = parkedBranches();
    const thePlan = plan(racingFlow({ wait: 'first' }));
    const state = createInitialState(thePlan, 0);
    const done = executePlan({ plan: thePlan, trigger: {}, run: RUN }, branches.effects, state);
    await branches.startedCount(3);
    branches.settle('b');
    await branches.startedCount(4);
    assert.equal(branches.started[3], 'after', 'the node after the merge starts while a and c still run');
    assert.deepEqual(state.nodes.join?.output, { from: 'b' });
    assert.equal(state.nodes.a?.status, 'running');
    branches.settle('a');
    branches.settle('c');
    branches.settle('after');
    await done;
    assert.equal(state.status, 'succeeded');
    assert.deepEqual(state.nodes.join?.output, { from: 'b' });
  });

  test('anyN: runs once n inputs arrived, combining those in arrival order', async () => {
    const branches = parkedBranches();
    const thePlan = plan(racingFlow({ wait: 'anyN', n: 2, combine: 'append' }));
    const state = createInitialState(thePlan, 0);
    const done = executePlan({ plan: thePlan, trigger: {}, run: RUN }, branches.effects, state);
    await branches.startedCount(3);
    branches.settle('c');
    await branches.stateReaches(() => state.nodes.c?.status === 'succeeded');
    assert.equal(state.nodes.join?.status, 'pending', 'one of two inputs is not enough');
    branches.settle('a');
    await branches.startedCount(4);
    assert.deepEqual(state.nodes.join?.output, [{ from: 'c' }, { from: 'a' }]);
    branches.settle('b');
    branches.settle('after');
    await done;
    assert.equal(state.status, 'succeeded');
  });

  test('all, with one branch skipped by an If: runs with the other branch only', async () => {
    const { effects, calls } = echo();
    const state = await run(
      [
        trigger,
        ifNode('check', [from('hook')], '{{ input.vip }}'),
        planNode('vip', [from('check', 'true')]),
        planNode('regular', [from('check', 'false')]),
        merge('join', [from('vip'), from('regular')], { wait: 'all', combine: 'append' }),
        planNode('after', [from('join')]),
      ],
      { vip: false },
      effects,
    );
    assert.equal(state.status, 'succeeded');
    assert.deepEqual(calls, ['regular', 'after']);
    assert.equal(state.nodes.vip?.status, 'skipped');
    assert.deepEqual(state.nodes.join?.output, [{ from: 'regular' }]);
  });

  test('anyN: combines only the first n arrivals, even when more arrived at once', async () => {
    const { effects } = echo();
    const state = await run(
      [
        trigger,
        value('left', [from('hook')], 'L'),
        value('right', [from('hook')], 'R'),
        merge('join', [from('left'), from('right')], { wait: 'anyN', n: 1, combine: 'append' }),
      ],
      {},
      effects,
    );
    assert.deepEqual(state.nodes.join?.output, [{ v: 'L' }]);
  });

  test('anyN with fewer inputs than n left: runs with those that arrived, in arrival order', async () => {
    const branches = parkedBranches();
    const thePlan = plan([
      trigger,
      ifNode('check', [from('hook')], '{{ false }}'),
      planNode('a', [from('hook')]),
      planNode('b', [from('hook')]),
      planNode('never', [from('check', 'true')]),
      merge('join', [from('a'), from('b'), from('never')], { wait: 'anyN', n: 3, combine: 'append' }),
    ]);
    const state = createInitialState(thePlan, 0);
    const done = executePlan({ plan: thePlan, trigger: {}, run: RUN }, branches.effects, state);
    await branches.startedCount(2);
    branches.settle('b');
    await branches.stateReaches(() => state.nodes.b?.status === 'succeeded');
    branches.settle('a');
    await done;
    assert.deepEqual(state.nodes.join?.output, [{ from: 'b' }, { from: 'a' }]);
  });

  test('only a Merge starts early: another node joining branches waits for all of them', async () => {
    const { effects } = effectsWith((request) => ({
      output: request.nodeId === 'report' ? {} : { from: request.nodeId },
      attempts: 1,
    }));
    const requests: StepActivityRequest[] = [];
    const recording: RunEffects = {
      ...effects,
      executeStep: (request) => {
        requests.push(request);
        return effects.executeStep(request);
      },
    };
    await run(
      [
        trigger,
        planNode('a', [from('hook')]),
        planNode('b', [from('hook')]),
        planNode('report', [from('a'), from('b')], { config: { wait: 'first', n: 1, body: '{{ input }}' } }),
      ],
      {},
      recording,
    );
    const report = requests.find((request) => request.nodeId === 'report');
    assert.deepEqual(report?.input, { wait: 'first', n: 1, body: [{ from: 'a' }, { from: 'b' }] });
  });

  test('byPosition with one branch skipped: the list that arrived comes out as it was', async () => {
    const { effects } = effectsWith(() => ({ output: [{ id: 1 }, { id: 2 }], attempts: 1 }));
    const state = await run(
      [
        trigger,
        ifNode('check', [from('hook')], '{{ true }}'),
        planNode('list', [from('check', 'true')]),
        planNode('other', [from('check', 'false')]),
        merge('join', [from('list'), from('other')], { combine: 'byPosition' }),
      ],
      {},
      effects,
    );
    assert.deepEqual(state.nodes.join?.output, [{ id: 1 }, { id: 2 }]);
  });

  test('a merge whose inputs were all skipped is skipped too', async () => {
    const { effects } = echo();
    const state = await run(
      [
        trigger,
        ifNode('check', [from('hook')], '{{ false }}'),
        planNode('a', [from('check', 'true')]),
        planNode('b', [from('check', 'true')]),
        merge('join', [from('a'), from('b')], {}),
        planNode('other', [from('check', 'false')]),
      ],
      {},
      effects,
    );
    assert.deepEqual(statuses(state), {
      hook: 'succeeded',
      check: 'succeeded',
      a: 'skipped',
      b: 'skipped',
      join: 'skipped',
      other: 'succeeded',
    });
  });
});

describe('onError', () => {
  const failing = (onError: PlanNode['onError']) => [
    trigger,
    planNode('call', [from('hook')], onError === undefined ? {} : { onError }),
    planNode('next', [from('call')]),
    value('handle', [from('call', 'error')], '{{ input.error.message & " / " & steps.call.error.details.status }}'),
  ];
  const failCall = () =>
    effectsWith((request) => {
      if (request.nodeId === 'call') throw { message: 'answered 503', attempts: 1, details: { status: 503 } };
      return { output: { from: request.nodeId }, attempts: 1 };
    });

  test('fail (default): the run fails, downstream skipped', async () => {
    const { effects, calls } = failCall();
    const state = await run(failing(undefined), {}, effects);
    assert.equal(state.status, 'failed');
    assert.deepEqual(state.error, { nodeId: 'call', message: 'answered 503' });
    assert.deepEqual(calls, ['call']);
    assert.equal(state.nodes.next?.status, 'skipped');
  });

  test('continue: the node counts as succeeded with the error as its output; out fires', async () => {
    const { effects, calls } = failCall();
    const state = await run(failing('continue'), {}, effects);
    assert.equal(state.status, 'succeeded');
    assert.equal(state.nodes.call?.status, 'succeeded');
    assert.equal(state.nodes.call?.continuedOnError, true);
    assert.deepEqual(state.nodes.call?.output, { error: { message: 'answered 503', details: { status: 503 } } });
    assert.deepEqual(calls, ['call', 'next']);
    assert.equal(state.nodes.handle?.status, 'skipped');
  });

  test('errorOutput: the node fails, its error port fires, the run succeeds', async () => {
    const { effects, calls } = failCall();
    const state = await run(failing('errorOutput'), {}, effects);
    assert.equal(state.status, 'succeeded');
    assert.equal(state.error, undefined);
    assert.equal(state.nodes.call?.status, 'failed');
    assert.equal(state.nodes.call?.continuedOnError, undefined);
    assert.deepEqual(calls, ['call']);
    assert.equal(state.nodes.next?.status, 'skipped');
    assert.deepEqual(state.nodes.handle?.output, { v: 'answered 503 / 503' });
  });

  test('errorOutput on success: out fires, the error branch is skipped', async () => {
    const { effects } = echo();
    const state = await run(failing('errorOutput'), {}, effects);
    assert.equal(state.nodes.next?.status, 'succeeded');
    assert.equal(state.nodes.handle?.status, 'skipped');
  });

  test('when two branches fail, the run reports the first failure', async () => {
    const { effects } = effectsWith((request) => {
      throw { message: `${request.nodeId} broke`, attempts: 1 };
    });
    const state = await run([trigger, planNode('a', [from('hook')]), planNode('b', [from('hook')])], {}, effects);
    assert.deepEqual(statuses(state), { hook: 'succeeded', a: 'failed', b: 'failed' });
    assert.deepEqual(state.error, { nodeId: 'a', message: 'a broke' });
  });

  test('an expression error in a workflow step follows onError too', async () => {
    const { effects } = echo();
    const state = await run(
      [
        trigger,
        inWorkflow('broken', 'core.if', [from('hook')], { condition: '{{ $nope() }}' }),
        value('handle', [from('broken', 'error')], '{{ input.error.message }}'),
      ].map((node) => (node.id === 'broken' ? { ...node, onError: 'errorOutput' as const } : node)),
      {},
      effects,
    );
    assert.equal(state.status, 'succeeded');
    assert.deepEqual(Object.keys(state.nodes.handle?.output ?? {}), ['v']);
    assert.match(JSON.stringify(state.nodes.handle?.output), /node \\"broken\\": config\.condition/);
  });
});

describe('parallel branches', () => {
  test('start concurrently: both activities are requested before either answers', async () => {
    const requested: string[] = [];
    let release: (() => void) | undefined;
    let finished: Promise<RunState> | undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const bothRequested = new Promise<void>((resolve) => {
      const effects: RunEffects = {
        now: () => 0,
        async executeStep(request) {
          requested.push(request.nodeId);
          if (requested.length === 2) resolve();
          await gate;
          return { output: { from: request.nodeId }, attempts: 1 };
        },
      };
      const thePlan = plan([
        trigger,
        ifNode('check', [from('hook')], '{{ true }}'),
        planNode('left', [from('check', 'true')]),
        planNode('right', [from('check', 'true')]),
        merge('join', [from('left'), from('right')], { combine: 'append' }),
      ]);
      finished = executePlan({ plan: thePlan, trigger: {}, run: RUN }, effects, createInitialState(thePlan, 0));
    });
    await bothRequested;
    assert.deepEqual(requested, ['left', 'right']);
    release?.();
    const state = await finished;
    assert.deepEqual(state?.nodes.join?.output, [{ from: 'left' }, { from: 'right' }]);
  });

  test('plans without inputs (compiled before ports) still read upstream out ports', async () => {
    const { effects, calls } = echo();
    const legacy = [trigger, planNode('a', [from('hook')]), planNode('b', [from('a')])].map(
      ({ inputs: _inputs, ...rest }) => rest,
    );
    const state = await run(legacy, {}, effects);
    assert.equal(state.status, 'succeeded');
    assert.deepEqual(calls, ['a', 'b']);
  });
});
