/// <reference types="node" />
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ExecutionPlan, PlanNode } from '@pipewright/run-contract';
import { readsBlobRefs } from './blob-reads.ts';
import { type BlobRef, containsBlobRef, isBlobRef } from './blob-ref.ts';
import type { RemoteNodeRequest, RunEffects } from './effects.ts';
import { createInitialState, executePlan } from './execute-plan.ts';
import { evaluateNodeOutside } from './inline-steps.ts';

const RETRY = { maxAttempts: 1, initialIntervalMs: 10, backoffCoefficient: 1, maxIntervalMs: 10 };
const node = (id: string, overrides: Partial<PlanNode>): PlanNode => ({
  id,
  type: 'http.request',
  typeVersion: 1,
  title: id,
  kind: 'action',
  runsIn: 'activity',
  upstream: [],
  config: {},
  retry: RETRY,
  timeoutMs: 1000,
  taskQueue: 'q',
  ...overrides,
});
const ref: BlobRef = { __pipewrightBlob: 1, id: 'blob-1', bytes: 50_000_000 };

/** hook → fetch (returns a body kept by reference) → count (reads into the body) and status (reads a small field). */
const plan: ExecutionPlan = {
  planFormat: 1,
  runtimeVersion: 1,
  expressionEngine: 'jsonata@2.2.2',
  flowId: 'f',
  version: 1,
  hash: '',
  triggerNodeId: 'hook',
  nodes: [
    node('hook', { type: 'core.webhook', kind: 'trigger', runsIn: 'workflow' }),
    node('fetch', { upstream: ['hook'], config: { url: 'http://x.test/big' } }),
    node('count', {
      type: 'core.transform',
      kind: 'transform',
      runsIn: 'workflow',
      upstream: ['fetch'],
      config: { fields: [{ name: 'n', value: '{{ $count(steps.fetch.body.items) }}' }], keepInput: false, remove: [] },
    }),
    node('status', {
      type: 'core.transform',
      kind: 'transform',
      runsIn: 'workflow',
      upstream: ['fetch'],
      config: { fields: [{ name: 'code', value: '{{ steps.fetch.status }}' }], keepInput: false, remove: [] },
    }),
  ],
};

test('a node whose expressions read into a blob reference is evaluated remotely; others stay in the workflow', async () => {
  const remote: RemoteNodeRequest[] = [];
  const effects: RunEffects = {
    now: () => 0,
    executeStep: async () => ({ output: { status: 200, body: ref }, attempts: 1 }),
    evaluateRemotely: async (request) => {
      remote.push(request);
      return { output: { n: 3 }, attempts: 1, input: { fields: [{ name: 'n', value: 3 }] } };
    },
  };
  const state = createInitialState(plan, 0);
  await executePlan({ plan, trigger: {}, run: { id: 'run-1', workspaceId: 'w' } }, effects, state);
  assert.equal(state.status, 'succeeded');
  assert.deepEqual(
    remote.map((request) => request.node.id),
    ['count'],
  );
  const steps = remote[0]?.context.steps as Record<string, unknown> | undefined;
  assert.deepEqual(steps?.fetch, { status: 200, body: ref });
  assert.equal(remote[0]?.idempotencyKey, 'run-1/count');
  assert.deepEqual(state.nodes.count?.output, { n: 3 });
  assert.deepEqual(state.nodes.count?.input, { fields: [{ name: 'n', value: 3 }] }, 'the input evaluated remotely');
  assert.deepEqual(state.nodes.status?.output, { code: 200 });
});

test('without the remote effect (or without references) evaluation stays local', async () => {
  const effects: RunEffects = {
    now: () => 0,
    executeStep: async () => ({ output: { status: 200, body: { items: [1, 2] } }, attempts: 1 }),
  };
  const state = createInitialState(plan, 0);
  await executePlan({ plan, trigger: {}, run: { id: 'run-2', workspaceId: 'w' } }, effects, state);
  assert.deepEqual(state.nodes.count?.output, { n: 2 });
});

test('evaluateNodeOutside evaluates a workflow-kind node over loaded data, and locates expression errors', async () => {
  const count = plan.nodes[2] as PlanNode;
  const loaded = { steps: { fetch: { body: { items: [1, 2, 3, 4] } } }, input: null };
  assert.deepEqual(await evaluateNodeOutside(count, loaded), {
    ok: true,
    config: { fields: [{ name: 'n', value: 4 }], keepInput: false, remove: [] },
    outcome: { output: { n: 4 } },
  });
  const broken = { ...count, config: { fields: [{ name: 'n', value: '{{ $count( }}' }] } };
  const result = await evaluateNodeOutside(broken, loaded);
  assert.equal(result.ok, false);
  assert.match(result.ok ? '' : result.message, /config\.fields\.0\.value/);
  assert.equal(containsBlobRef({ a: [{ b: ref }] }), true);
  assert.equal(containsBlobRef({ a: [{ b: 1 }] }), false);
});

test('a reference forwarded whole stays in the workflow; read inside a larger expression it goes remote', async () => {
  const forward = (value: string): ExecutionPlan => ({
    ...plan,
    nodes: [
      ...plan.nodes.slice(0, 2),
      node('post', { upstream: ['fetch'], config: { url: 'http://x.test/in', body: value } }),
    ],
  });
  for (const [template, remote] of [
    ['{{ steps.fetch.body }}', false],
    ['{{ $count(steps.fetch.body) }}', true],
    ['data: {{ steps.fetch.body }}', true],
  ] as const) {
    const calls: string[] = [];
    const effects: RunEffects = {
      now: () => 0,
      executeStep: async (request) => {
        calls.push(`local:${request.nodeId}`);
        return { output: request.nodeId === 'fetch' ? { status: 200, body: ref } : { ok: true }, attempts: 1 };
      },
      evaluateRemotely: async (request) => {
        calls.push(`remote:${request.node.id}`);
        return { output: { ok: true }, attempts: 1 };
      },
    };
    const state = createInitialState(forward(template), 0);
    await executePlan({ plan: forward(template), trigger: {}, run: { id: 'r', workspaceId: 'w' } }, effects, state);
    assert.deepEqual(calls, ['local:fetch', remote ? 'remote:post' : 'local:post'], template);
  }
});

test('only a marked object with a string id is a blob reference', () => {
  const cases: [unknown, boolean][] = [
    [ref, true],
    [{ __pipewrightBlob: 1, id: 'b' }, true],
    [{ __pipewrightBlob: 2, id: 'b', bytes: 1 }, false],
    [{ __pipewrightBlob: '1', id: 'b', bytes: 1 }, false],
    [{ __pipewrightBlob: 1, id: 7, bytes: 1 }, false],
    [{ __pipewrightBlob: 1, bytes: 1 }, false],
    [{ id: 'b', bytes: 1 }, false],
    [null, false],
    ['blob-1', false],
  ];
  for (const [value, expected] of cases) assert.equal(isBlobRef(value), expected, JSON.stringify(value));
});

test('a reference anywhere in a value is found, beside plain values too', () => {
  const cases: [unknown, boolean][] = [
    [[1, ref], true],
    [[ref, 1], true],
    [{ status: 200, body: ref }, true],
    [{ body: ref, status: 200 }, true],
    [{ a: [1, { b: [ref] }] }, true],
    [[1, { b: 2 }], false],
    [{ id: 'blob-1' }, false],
    [null, false],
    [7, false],
  ];
  for (const [value, expected] of cases) assert.equal(containsBlobRef(value), expected, JSON.stringify(value));
});

test('readsBlobRefs: which expressions read into a reference (and so are evaluated in an activity)', () => {
  const context = {
    trigger: { note: 'small' },
    input: { status: 200, body: ref },
    steps: { fetch: { status: 200, body: ref, nothing: null, pages: [{ body: ref }] }, small: { n: 1 } },
  };
  const at = (value: unknown, type = 'core.transform'): PlanNode =>
    node('reader', { type, config: { fields: [{ name: 'v', value }] } });
  const cases: [string, PlanNode, boolean][] = [
    ['reads into the body', at('{{ $count(steps.fetch.body.items) }}'), true],
    ['reads into it with spaces around the dots', at('{{ $count(steps . fetch . body . items) }}'), true],
    ['reads into it with a space before a dot', at('{{ $count(steps .fetch.body.items) }}'), true],
    ['reads a small field beside it', at('{{ steps.fetch.status }}'), false],
    ['reads a small field beside it, spaced', at('{{ steps . fetch . status }}'), false],
    ['reads into the input', at('{{ input.body.items }}'), true],
    ['reads a small field of the input', at('{{ input.status + 1 }}'), false],
    ['reads a whole output that holds it', at('{{ $keys(steps.fetch) }}'), true],
    ['reads through a list holding it', at('{{ steps.fetch.pages.body }}'), true],
    ['reads through null', at('{{ steps.fetch.nothing.deeper }}'), false],
    ['reads another node', at('{{ steps.small.n }}'), false],
    ['reads the trigger', at('{{ trigger.note }}'), false],
    ['forwards it whole', at('{{ steps.fetch.body }}'), false],
    ['forwards it whole, spaced out', at('  {{  steps . fetch . body  }} '), false],
    ['names the path in plain text, not in an expression', at('see steps.fetch.body.items'), false],
    ['merges inputs that hold it', node('join', { type: 'core.merge', config: {} }), true],
  ];
  for (const [name, reader, expected] of cases) assert.equal(readsBlobRefs(reader, context), expected, name);
  const plainInput = { ...context, input: [{ status: 200 }] };
  assert.equal(readsBlobRefs(node('join', { type: 'core.merge', config: {} }), plainInput), false);
  assert.equal(readsBlobRefs(node('send', { config: { body: 'plain' } }), context), false);
});

test('a remote evaluation reports what the workflow would: input, fired ports, rate-limit wait', async () => {
  const branching: ExecutionPlan = {
    ...plan,
    nodes: [
      ...plan.nodes.slice(0, 2),
      node('check', {
        type: 'core.if',
        kind: 'transform',
        runsIn: 'workflow',
        upstream: ['fetch'],
        config: { condition: '{{ $count(steps.fetch.body.items) > 10 }}' },
      }),
      node('big', { upstream: ['check'], inputs: [{ nodeId: 'check', port: 'true' }] }),
      node('small', { upstream: ['check'], inputs: [{ nodeId: 'check', port: 'false' }] }),
    ],
  };
  const calls: string[] = [];
  const effects: RunEffects = {
    now: () => 0,
    executeStep: async (request) => {
      calls.push(request.nodeId);
      return { output: { status: 200, body: ref }, attempts: 1 };
    },
    evaluateRemotely: async () => ({ output: {}, attempts: 2, ports: ['false'], rateLimitWaitMs: 40 }),
  };
  const state = createInitialState(branching, 0);
  await executePlan({ plan: branching, trigger: {}, run: { id: 'r', workspaceId: 'w' } }, effects, state);
  assert.deepEqual(calls, ['fetch', 'small']);
  assert.equal(state.nodes.big?.status, 'skipped');
  assert.equal(state.nodes.check?.attempts, 2);
  assert.equal(state.nodes.check?.rateLimitWaitMs, 40);
  assert.equal(Object.hasOwn(state.nodes.check ?? {}, 'input'), false, 'no evaluated input came back');
  assert.equal(Object.hasOwn(state.nodes.fetch ?? {}, 'rateLimitWaitMs'), false);
});

test('a loop, wait or sub-flow that reads into a reference fails, saying what to pass instead', async () => {
  const looping: ExecutionPlan = {
    ...plan,
    nodes: [
      ...plan.nodes.slice(0, 2),
      node('each', {
        type: 'core.loop',
        kind: 'transform',
        runsIn: 'workflow',
        title: 'Each item',
        upstream: ['fetch'],
        config: { items: '{{ steps.fetch.body.items }}' },
      }),
    ],
  };
  const effects: RunEffects = {
    now: () => 0,
    executeStep: async () => ({ output: { status: 200, body: ref }, attempts: 1 }),
    evaluateRemotely: async () => assert.fail('a loop cannot be evaluated in an activity'),
  };
  const state = createInitialState(looping, 0);
  await executePlan({ plan: looping, trigger: {}, run: { id: 'r', workspaceId: 'w' } }, effects, state);
  assert.equal(state.status, 'failed');
  assert.equal(
    state.nodes.each?.error?.message,
    'node "Each item" (each) reads into a large value kept outside the run history (over the inline limit); pass it a smaller part, e.g. a list of ids',
  );
});

test('evaluateNodeOutside gives an action its evaluated config only, and a control step its ports', async () => {
  const loaded = { steps: { fetch: { body: { items: [1, 2, 3] } } }, input: null };
  const send = node('send', { config: { count: '{{ $count(steps.fetch.body.items) }}' } });
  assert.deepEqual(await evaluateNodeOutside(send, loaded), { ok: true, config: { count: 3 } });
  const check = node('check', {
    type: 'core.if',
    kind: 'transform',
    runsIn: 'workflow',
    config: { condition: '{{ $count(steps.fetch.body.items) > 2 }}' },
  });
  assert.deepEqual(await evaluateNodeOutside(check, loaded), {
    ok: true,
    config: { condition: true },
    outcome: { output: null, ports: ['true'] },
  });
});

test('an expression with more work than the workflow allows is evaluated again in an activity', async () => {
  const heavy = '{{ $sum($map([1..3000], function($v) { $v * 2 })) }}';
  const deep = '{{ ($nest := function($n) { [$nest($n)] }; $nest(0)) }}';
  const planWith = (type: string, value: string): ExecutionPlan => ({
    ...plan,
    nodes: [
      plan.nodes[0] as PlanNode,
      node('work', {
        type,
        kind: 'transform',
        runsIn: 'workflow',
        upstream: ['hook'],
        config: type === 'core.transform' ? { fields: [{ name: 'n', value }] } : { items: value },
        ...(type === 'core.loop' ? { body: { nodes: [], entry: [], resultNodeId: '' } } : {}),
      }),
    ],
  });
  const runWith = async (thePlan: ExecutionPlan, remote: boolean) => {
    const remoteCalls: string[] = [];
    const effects: RunEffects = {
      now: () => 0,
      executeStep: async () => assert.fail('no activity step here'),
      ...(remote
        ? {
            evaluateRemotely: async (request: RemoteNodeRequest) => {
              remoteCalls.push(request.node.id);
              return { output: { n: 'remote' }, attempts: 1 };
            },
          }
        : {}),
    };
    const state = createInitialState(thePlan, 0);
    await executePlan({ plan: thePlan, trigger: {}, run: { id: 'r', workspaceId: 'w' } }, effects, state);
    return { state, remoteCalls };
  };

  const offloaded = await runWith(planWith('core.transform', heavy), true);
  assert.deepEqual(offloaded.remoteCalls, ['work']);
  assert.deepEqual(offloaded.state.nodes.work?.output, { n: 'remote' });

  const local = await runWith(planWith('core.transform', '{{ $sum([1, 2]) }}'), true);
  assert.deepEqual([local.remoteCalls, local.state.nodes.work?.output], [[], { n: 3 }]);

  const noActivity = await runWith(planWith('core.transform', heavy), false);
  assert.match(
    noActivity.state.error?.message ?? '',
    /^node "work": config\.fields\.0\.value: expression exceeded its time limit/,
  );

  const broken = await runWith(planWith('core.transform', '{{ $nope() }}'), true);
  assert.deepEqual(broken.remoteCalls, [], 'an expression error is no reason to try again elsewhere');
  assert.match(broken.state.error?.message ?? '', /^node "work": config\.fields\.0\.value: /);

  const tooDeep = await runWith(planWith('core.transform', deep), true);
  assert.deepEqual(tooDeep.remoteCalls, [], 'a runaway recursion stays refused');
  assert.match(tooDeep.state.error?.message ?? '', /nested deeper than/);

  const loop = await runWith(planWith('core.loop', heavy), true);
  assert.deepEqual(loop.remoteCalls, [], 'a loop drives the workflow itself: it cannot move to an activity');
  assert.match(loop.state.error?.message ?? '', /^node "work": config\.items: expression exceeded its time limit/);
});
