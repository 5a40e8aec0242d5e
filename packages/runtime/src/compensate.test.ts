/// <reference types="node" />
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ExecutionPlan, PlanNode, PlanUndo } from '@pipewright/run-contract';
import { compensationNote } from './compensate.ts';
import type { RunEffects, StepActivityRequest, StepActivityResult, StepFailure } from './effects.ts';
import { createInitialState, executePlan } from './execute-plan.ts';

const RETRY = { maxAttempts: 3, initialIntervalMs: 1000, backoffCoefficient: 2, maxIntervalMs: 30_000 };
const UNDO_RETRY = { maxAttempts: 5, initialIntervalMs: 200, backoffCoefficient: 2, maxIntervalMs: 10_000 };

const undoing = (url: string): PlanUndo => ({
  type: 'http.request',
  typeVersion: 1,
  config: {
    url,
    body: {
      id: '{{ original.output.id }}',
      paid: '{{ original.input.amount }}',
      by: '{{ trigger.user }}',
      again: '{{ steps.charge.id }}',
    },
  },
  retry: UNDO_RETRY,
  timeoutMs: 20_000,
  taskQueue: 'undo-queue',
});

function node(id: string, upstream: string[], overrides: Partial<PlanNode> = {}): PlanNode {
  return {
    id,
    type: 'http.request',
    typeVersion: 1,
    title: id,
    kind: 'action',
    runsIn: 'activity',
    upstream,
    config: { url: `https://shop.test/${id}`, amount: 10 },
    retry: RETRY,
    timeoutMs: 30_000,
    taskQueue: 'pipewright-core',
    ...overrides,
  };
}

function plan(nodes: PlanNode[]): ExecutionPlan {
  const trigger = node('hook', [], { type: 'core.webhook', kind: 'trigger', runsIn: 'workflow', config: {} });
  return {
    planFormat: 1,
    runtimeVersion: 1,
    expressionEngine: 'jsonata@2.2.2',
    flowId: 'flow-1',
    version: 1,
    hash: 'test',
    triggerNodeId: 'hook',
    nodes: [trigger, ...nodes],
  };
}

/** A fake port answering each step by its URL: `fail` lists the URLs that fail for good. */
function fakeEffects(fail: string[] = []) {
  let clock = 1000;
  const requests: StepActivityRequest[] = [];
  const effects: RunEffects = {
    now: () => clock++,
    async executeStep(request): Promise<StepActivityResult> {
      requests.push(request);
      const { url } = request.input as { url: string };
      if (fail.includes(url))
        throw { message: `${url} answered 502`, attempts: request.retry.maxAttempts } satisfies StepFailure;
      return { output: { id: `id-of-${url.split('/').pop()}` }, attempts: 1 };
    },
  };
  return { effects, requests, urls: () => requests.map((request) => (request.input as { url: string }).url) };
}

async function run(nodes: PlanNode[], effects: RunEffects) {
  const flow = plan(nodes);
  return executePlan(
    { plan: flow, trigger: { user: 'ada' }, run: { id: 'run-1', workspaceId: 'ws-1' } },
    effects,
    createInitialState(flow, 0),
  );
}

describe('compensation (undo steps)', () => {
  test('a later failure undoes the completed steps once each, last completed first, with the original output', async () => {
    const fake = fakeEffects(['https://shop.test/ship']);
    const state = await run(
      [
        node('charge', ['hook'], { undo: undoing('https://shop.test/refund') }),
        node('reserve', ['charge'], { undo: undoing('https://shop.test/release') }),
        node('ship', ['reserve'], { undo: undoing('https://shop.test/unship') }),
      ],
      fake.effects,
    );
    assert.deepEqual(fake.urls(), [
      'https://shop.test/charge',
      'https://shop.test/reserve',
      'https://shop.test/ship',
      'https://shop.test/release',
      'https://shop.test/refund',
    ]);
    assert.equal(state.status, 'failed');
    assert.deepEqual(state.error, { nodeId: 'ship', message: 'https://shop.test/ship answered 502' });
    assert.deepEqual(state.compensation, { status: 'compensated', order: ['reserve', 'charge'] });
    assert.equal(state.nodes.ship?.undo, undefined, 'the failed step is not undone');
    assert.equal(state.nodes.charge?.status, 'succeeded');
    assert.deepEqual(state.nodes.charge?.undo, {
      status: 'succeeded',
      attempts: 1,
      input: {
        url: 'https://shop.test/refund',
        body: { id: 'id-of-charge', paid: 10, by: 'ada', again: 'id-of-charge' },
      },
      output: { id: 'id-of-refund' },
      startedAt: state.nodes.charge?.undo?.startedAt,
      endedAt: state.nodes.charge?.undo?.endedAt,
    });
    const refund = fake.requests.at(-1);
    assert.equal(refund?.idempotencyKey, 'run-1/charge/undo');
    assert.deepEqual(refund?.retry, UNDO_RETRY, 'the undo has its own retry policy');
    assert.equal(refund?.taskQueue, 'undo-queue');
    assert.equal(compensationNote(state), ' (compensated)');
  });

  test('an undo that fails for good is reported, and the undos before it in line still run', async () => {
    const fake = fakeEffects(['https://shop.test/ship', 'https://shop.test/release']);
    const state = await run(
      [
        node('charge', ['hook'], { undo: undoing('https://shop.test/refund') }),
        node('reserve', ['charge'], { undo: undoing('https://shop.test/release') }),
        node('ship', ['reserve']),
      ],
      fake.effects,
    );
    assert.deepEqual(fake.urls().slice(3), ['https://shop.test/release', 'https://shop.test/refund']);
    assert.equal(state.nodes.reserve?.undo?.status, 'failed');
    assert.equal(state.nodes.reserve?.undo?.attempts, UNDO_RETRY.maxAttempts);
    assert.equal(state.nodes.reserve?.undo?.error?.message, 'https://shop.test/release answered 502');
    assert.equal(state.nodes.charge?.undo?.status, 'succeeded');
    assert.deepEqual(state.compensation, { status: 'failed', order: ['reserve', 'charge'], failedAt: ['reserve'] });
    assert.equal(compensationNote(state), ' (compensation failed at reserve)');
  });

  test('steps without an undo, steps that continued on error, and succeeded runs are not compensated', async () => {
    const fake = fakeEffects(['https://shop.test/flaky', 'https://shop.test/ship']);
    const state = await run(
      [
        node('charge', ['hook'], { undo: undoing('https://shop.test/refund') }),
        node('note', ['charge']),
        node('flaky', ['note'], { onError: 'continue', undo: undoing('https://shop.test/unflake') }),
        node('ship', ['flaky']),
      ],
      fake.effects,
    );
    assert.deepEqual(fake.urls().slice(4), ['https://shop.test/refund']);
    assert.deepEqual(state.compensation, { status: 'compensated', order: ['charge'] });

    const fine = fakeEffects();
    const succeeded = await run(
      [node('charge', ['hook'], { undo: undoing('https://shop.test/refund') })],
      fine.effects,
    );
    assert.equal(succeeded.status, 'succeeded');
    assert.equal(succeeded.compensation, undefined);
    assert.deepEqual(fine.urls(), ['https://shop.test/charge']);
  });

  test('a failed run without undo steps has no compensation', async () => {
    const fake = fakeEffects(['https://shop.test/ship']);
    const state = await run([node('charge', ['hook']), node('ship', ['charge'])], fake.effects);
    assert.equal(state.status, 'failed');
    assert.equal(state.compensation, undefined);
    assert.equal(compensationNote(state), '');
    assert.equal(fake.requests.length, 2);
  });
});
