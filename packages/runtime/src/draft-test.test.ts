/// <reference types="node" />
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { PlanNode, RunState } from '@pipewright/run-contract';
import { answerFromRecording, compareRuns, draftTestReport } from './draft-test.ts';

const RETRY = { maxAttempts: 1, initialIntervalMs: 1000, backoffCoefficient: 2, maxIntervalMs: 1000 };
const step = (id: string, type = 'http.request'): PlanNode => ({
  id,
  type,
  typeVersion: 1,
  title: id,
  kind: 'action',
  runsIn: 'activity',
  upstream: [],
  config: {},
  retry: RETRY,
  timeoutMs: 30_000,
  taskQueue: 'pipewright-core',
});

const recorded: RunState = {
  status: 'succeeded',
  flowId: 'flw',
  version: 1,
  startedAt: 0,
  nodes: {
    hook: { status: 'succeeded', attempts: 1, output: { body: { id: 7 } } },
    charge: { status: 'succeeded', attempts: 2, output: { charged: 7 }, ports: ['out'] },
    flaky: {
      status: 'succeeded',
      attempts: 1,
      continuedOnError: true,
      output: { error: { message: '502' } },
      error: { message: '502' },
    },
    each: {
      status: 'succeeded',
      attempts: 1,
      iterations: [
        { index: 1, status: 'succeeded', nodes: { fetch: { status: 'succeeded', attempts: 1, output: 'one' } } },
      ],
    },
    later: { status: 'skipped', attempts: 0 },
  },
};

describe('answerFromRecording', () => {
  const answer = answerFromRecording(recorded, {
    runId: 'test',
    changed: new Set(['changedStep']),
    realCalls: new Set(['allowed']),
  });

  test('a recorded success is answered with its output and ports; a continued failure as the failure it was', () => {
    assert.deepEqual(answer(step('charge'), 'test'), { ok: true, output: { charged: 7 }, attempts: 1, ports: ['out'] });
    assert.deepEqual(answer(step('flaky'), 'test'), { ok: false, attempts: 1, error: { message: '502' } });
  });

  test('a loop iteration is answered from that iteration; another iteration or a deeper loop is not recorded', () => {
    assert.deepEqual(answer(step('fetch'), 'test/each[1]'), { ok: true, output: 'one', attempts: 1 });
    const missing = answer(step('fetch'), 'test/each[2]');
    assert.equal(missing?.ok, false);
    assert.match(missing?.ok === false ? missing.error.message : '', /did not reach it/);
    assert.equal(answer(step('fetch'), 'test/each[1]/inner[0]')?.ok, false);
  });

  test('new, changed or unreached steps run only when allowed; a Wait always runs (it calls nothing)', () => {
    assert.equal(answer(step('allowed'), 'test'), undefined);
    const changed = answer(step('changedStep'), 'test');
    assert.match(changed?.ok === false ? changed.error.message : '', /new or changed in the draft/);
    assert.equal(answer(step('later'), 'test')?.ok, false, 'skipped in the run: nothing recorded');
    assert.equal(answer(step('pause', 'core.wait'), 'test'), undefined);
    assert.equal(answer(step('__proto__'), 'test')?.ok, false, 'no inherited entry answers');
  });
});

describe('compareRuns', () => {
  const after = (nodes: RunState['nodes'], status: RunState['status'] = 'succeeded'): RunState => ({
    ...recorded,
    status,
    nodes,
  });
  const base = { runId: 'run_1', version: 1, before: recorded, draftNodeIds: Object.keys(recorded.nodes) };

  test('the same outcomes are `same`, whatever the key order', () => {
    const reordered = {
      ...recorded.nodes,
      charge: { ports: ['out'], output: { charged: 7 }, attempts: 1, status: 'succeeded' as const },
    };
    assert.equal(compareRuns({ ...base, after: after(reordered) }).verdict, 'same');
  });

  test('a run that succeeded and now fails is `now_fails`, with the draft error and the node whose status changed', () => {
    const failed = {
      ...recorded.nodes,
      charge: { status: 'failed' as const, attempts: 1, error: { message: 'boom' } },
    };
    const result = compareRuns({
      ...base,
      after: { ...after(failed, 'failed'), error: { nodeId: 'charge', message: 'boom' } },
    });
    assert.equal(result.verdict, 'now_fails');
    assert.deepEqual(result.error, { nodeId: 'charge', message: 'boom' });
    assert.deepEqual(
      result.differences.map((item) => [item.nodeId, item.change, item.after?.error]),
      [['charge', 'status', 'boom']],
    );
    assert.equal(draftTestReport([result], 0).passed, false);
  });

  test('added and removed nodes; long values are cut and marked', () => {
    const { later: _removed, ...kept } = recorded.nodes;
    const big = 'x'.repeat(5_000);
    const result = compareRuns({
      ...base,
      draftNodeIds: [...Object.keys(kept), 'extra'],
      after: after({
        ...kept,
        charge: { status: 'succeeded', attempts: 1, output: big },
        extra: { status: 'succeeded', attempts: 1 },
      }),
    });
    assert.deepEqual(
      result.differences.map((item) => [item.nodeId, item.change]),
      [
        ['charge', 'output'],
        ['extra', 'added'],
        ['later', 'removed'],
      ],
    );
    const charge = result.differences[0]?.after;
    assert.equal(charge?.truncated, true);
    assert.ok(typeof charge?.output === 'string' && charge.output.length < 2_100);
  });
});
