/// <reference types="node" />
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ExecutionPlan, PlanNode } from '@pipewright/compiler';
import { type BlobRef, containsBlobRef } from './blob-ref.ts';
import type { RemoteNodeRequest, RunEffects } from './effects.ts';
import { createInitialState, evaluateNodeOutside, executePlan } from './execute-plan.ts';

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
