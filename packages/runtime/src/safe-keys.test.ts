/// <reference types="node" />
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import type { ExecutionPlan, PlanNode, RunState } from '@pipewright/run-contract';
import type { RunEffects } from './effects.ts';
import { createInitialState, executePlan } from './execute-plan.ts';

// The interpreter runs in a workflow sandbox that later runs (of any workspace) share: whatever a plan or its data
// does, Object.prototype must come out of it unchanged.
const objectPrototypeKeys = Object.getOwnPropertyNames(Object.prototype).sort();
afterEach(() => {
  assert.deepEqual(Object.getOwnPropertyNames(Object.prototype).sort(), objectPrototypeKeys);
  assert.equal(Reflect.get({}, 'polluted'), undefined);
});

const RETRY = { maxAttempts: 1, initialIntervalMs: 0, backoffCoefficient: 1, maxIntervalMs: 0 };
const RESERVED = '(it names the object prototype, not data); use another name';

function node(id: string, overrides: Partial<PlanNode> = {}): PlanNode {
  return {
    id,
    type: 'http.request',
    typeVersion: 1,
    title: id,
    kind: 'action',
    runsIn: 'activity',
    upstream: [],
    config: {},
    retry: RETRY,
    timeoutMs: 30_000,
    taskQueue: 'pipewright-core',
    ...overrides,
  };
}
const trigger = node('hook', { type: 'core.webhook', kind: 'trigger', runsIn: 'workflow' });
const inWorkflow = (id: string, type: string, upstream: string[], config: Record<string, unknown>) =>
  node(id, { type, kind: 'transform', runsIn: 'workflow', upstream, config });
const transform = (config: Record<string, unknown>, upstream = ['hook']) =>
  inWorkflow('shape', 'core.transform', upstream, config);

/** Action nodes answer with `outputs[nodeId]`: data as a remote API would send it (own `__proto__` keys included). */
function effectsAnswering(outputs: Record<string, unknown> = {}) {
  const called: string[] = [];
  const effects: RunEffects = {
    now: () => 1,
    async executeStep(request) {
      called.push(request.nodeId);
      return { output: outputs[request.nodeId] ?? null, attempts: 1 };
    },
  };
  return { effects, called };
}

async function run(nodes: PlanNode[], triggerOutput: unknown, effects: RunEffects): Promise<RunState> {
  const plan: ExecutionPlan = {
    planFormat: 1,
    runtimeVersion: 1,
    expressionEngine: 'jsonata@2.2.2',
    flowId: 'flow-1',
    version: 1,
    hash: 'test',
    triggerNodeId: 'hook',
    nodes,
  };
  return executePlan(
    { plan, trigger: triggerOutput, run: { id: 'run-1', workspaceId: 'ws-a' } },
    effects,
    createInitialState(plan, 1),
  );
}

describe('a Transform refuses reserved field names at run time, naming the field', () => {
  const cases: { name: string; config: Record<string, unknown>; body?: unknown; message: string }[] = [
    {
      name: 'a field name from data through __proto__',
      config: { fields: [{ name: '{{ trigger.body.field }}', value: 'yes' }] },
      body: { field: '__proto__.polluted' },
      message: `node "shape": fields.0.name: the field name "__proto__.polluted" uses "__proto__", which is reserved ${RESERVED}`,
    },
    {
      name: 'a field name from data through constructor.prototype',
      config: {
        fields: [
          { name: 'ok', value: 1 },
          { name: '{{ trigger.body.field }}', value: 'yes' },
        ],
      },
      body: { field: 'constructor.prototype.polluted' },
      message: `node "shape": fields.1.name: the field name "constructor.prototype.polluted" uses "constructor", which is reserved ${RESERVED}`,
    },
    {
      name: 'a plan the compiler never saw, nested __proto__',
      config: { fields: [{ name: 'a.__proto__.polluted', value: 'yes' }] },
      message: `node "shape": fields.0.name: the field name "a.__proto__.polluted" uses "__proto__", which is reserved ${RESERVED}`,
    },
    {
      name: 'a plan the compiler never saw, a bare prototype',
      config: { fields: [{ name: 'prototype', value: 'yes' }] },
      message: `node "shape": fields.0.name: the field name "prototype" is reserved ${RESERVED}`,
    },
    {
      name: 'a removed field that would delete from Object.prototype',
      config: { keepInput: true, remove: ['{{ trigger.body.field }}'] },
      body: { field: '__proto__.hasOwnProperty' },
      message: `node "shape": remove.0: the field name "__proto__.hasOwnProperty" uses "__proto__", which is reserved ${RESERVED}`,
    },
    {
      name: 'a fields list built by an expression',
      config: { fields: '{{ trigger.body.fields }}' },
      body: { fields: [{ name: 'constructor.prototype.polluted', value: 'yes' }] },
      message: `node "shape": fields.0.name: the field name "constructor.prototype.polluted" uses "constructor", which is reserved ${RESERVED}`,
    },
  ];
  for (const { name, config, body, message } of cases) {
    test(name, async () => {
      const { effects } = effectsAnswering();
      const state = await run([trigger, transform(config)], { body: body ?? {} }, effects);
      assert.equal(state.status, 'failed');
      assert.equal(state.nodes.shape?.status, 'failed');
      assert.equal(state.nodes.shape?.error?.message, message);
      assert.deepEqual(state.error, { nodeId: 'shape', message });
      assert.equal(typeof Object.prototype.hasOwnProperty, 'function');
    });
  }

  test('ordinary names still write nested fields', async () => {
    const { effects } = effectsAnswering();
    const state = await run(
      [
        trigger,
        transform({
          fields: [
            { name: '{{ trigger.body.field }}', value: 1 },
            { name: 'proto.x', value: 2 },
          ],
        }),
      ],
      { body: { field: 'order.total' } },
      effects,
    );
    assert.equal(state.status, 'succeeded');
    assert.deepEqual(state.nodes.shape?.output, { order: { total: 1 }, proto: { x: 2 } });
  });
});

test('a reserved key in a config the compiler never saw fails the node before any step runs', async () => {
  const { effects, called } = effectsAnswering();
  const headers = JSON.parse('{"__proto__": {"polluted": "yes"}}');
  const state = await run(
    [trigger, node('call', { upstream: ['hook'], config: { url: 'https://api.example.com', headers } })],
    {},
    effects,
  );
  assert.equal(state.status, 'failed');
  assert.equal(
    state.nodes.call?.error?.message,
    'node "call": config.headers.__proto__: this key is reserved (it names the object prototype, not data)',
  );
  assert.deepEqual(called, []);
});

describe('data keys stay data', () => {
  // What a remote API may answer: JSON.parse makes `__proto__` an own key, harmless until copied with `target[key] =`.
  const hostile = () => JSON.parse('{"id": 1, "__proto__": {"polluted": "yes"}, "constructor": {"prototype": 1}}');
  const merge = (config: Record<string, unknown>) => inWorkflow('join', 'core.merge', ['left', 'right'], config);
  const sides = [node('left', { upstream: ['hook'] }), node('right', { upstream: ['hook'] })];

  test('Merge byPosition copies a __proto__ key as an own key, not as the prototype', async () => {
    const { effects } = effectsAnswering({ left: [hostile()], right: [{ name: 'Ada' }] });
    const state = await run([trigger, ...sides, merge({ combine: 'byPosition' })], {}, effects);
    assert.equal(state.status, 'succeeded');
    const output = state.nodes.join?.output;
    assert.ok(Array.isArray(output));
    const [merged] = output;
    assert.equal(Object.getPrototypeOf(merged), Object.prototype);
    assert.equal(Reflect.get(Object(merged), 'polluted'), undefined);
    assert.deepEqual(JSON.parse(JSON.stringify(merged)), {
      id: 1,
      ['__proto__']: { polluted: 'yes' },
      constructor: { prototype: 1 },
      name: 'Ada',
    });
  });

  test('Merge byKey joins items carrying a __proto__ key without changing their prototype', async () => {
    const { effects } = effectsAnswering({ left: [hostile()], right: [{ id: 1, name: 'Ada' }] });
    const state = await run([trigger, ...sides, merge({ combine: 'byKey', key: 'id' })], {}, effects);
    assert.equal(state.status, 'succeeded');
    const output = state.nodes.join?.output;
    assert.ok(Array.isArray(output));
    const [merged] = output;
    assert.equal(Object.getPrototypeOf(merged), Object.prototype);
    assert.deepEqual(Object.keys(Object(merged)), ['id', '__proto__', 'constructor', 'name']);
  });

  for (const key of ['__proto__', 'constructor']) {
    test(`Merge byKey refuses the key ${JSON.stringify(key)} from data`, async () => {
      const { effects } = effectsAnswering({ left: [{ id: 1 }], right: [{ id: 2 }] });
      const state = await run(
        [trigger, ...sides, merge({ combine: 'byKey', key: '{{ trigger.body.key }}' })],
        { body: { key } },
        effects,
      );
      assert.equal(state.status, 'failed');
      assert.equal(state.nodes.join?.error?.message, `node "join": key: "${key}" is reserved ${RESERVED}`);
    });
  }

  test('a Transform keeping its input keeps a __proto__ key as data and still writes fields', async () => {
    const { effects } = effectsAnswering({ call: hostile() });
    const state = await run(
      [
        trigger,
        node('call', { upstream: ['hook'] }),
        transform({ keepInput: true, fields: [{ name: 'extra.x', value: 1 }] }, ['call']),
      ],
      {},
      effects,
    );
    assert.equal(state.status, 'succeeded');
    const output = state.nodes.shape?.output;
    assert.equal(Object.getPrototypeOf(output), Object.prototype);
    assert.deepEqual(JSON.parse(JSON.stringify(output)), {
      id: 1,
      ['__proto__']: { polluted: 'yes' },
      constructor: { prototype: 1 },
      extra: { x: 1 },
    });
  });
});

test('a node id "__proto__" in a plan the compiler never saw is an ordinary entry of the run state', async () => {
  const { effects } = effectsAnswering(JSON.parse('{"__proto__": {"ok": true}}'));
  const state = await run([trigger, node('__proto__', { upstream: ['hook'] })], {}, effects);
  assert.equal(state.status, 'succeeded');
  assert.equal(Object.getPrototypeOf(state.nodes), Object.prototype);
  assert.deepEqual(Object.keys(state.nodes), ['hook', '__proto__']);
  assert.deepEqual(Object.getOwnPropertyDescriptor(state.nodes, '__proto__')?.value, {
    status: 'succeeded',
    attempts: 1,
    startedAt: 1,
    endedAt: 1,
    input: {},
    output: { ok: true },
  });
});

test('a reserved key fails the node even on a worker that could evaluate it elsewhere: it is no over-budget expression', async () => {
  const { effects, called } = effectsAnswering();
  const remote: string[] = [];
  const headers = JSON.parse('{"__proto__": {"polluted": "yes"}}');
  const state = await run(
    [trigger, node('call', { upstream: ['hook'], config: { url: 'https://api.example.com', headers } })],
    {},
    {
      ...effects,
      async evaluateRemotely(request) {
        remote.push(request.node.id);
        return { output: null, attempts: 1 };
      },
    },
  );
  assert.equal(state.status, 'failed');
  assert.equal(
    state.nodes.call?.error?.message,
    'node "call": config.headers.__proto__: this key is reserved (it names the object prototype, not data)',
  );
  assert.deepEqual([called, remote], [[], []]);
});
