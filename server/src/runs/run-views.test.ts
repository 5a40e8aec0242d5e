import assert from 'node:assert/strict';
import { test } from 'node:test';
import { asRunState } from '@pipewright/run-contract/schema';
import { toNodeViews } from './run-views.ts';

test('a node that waited for its rate limit keeps rateLimitWaitMs in the run view', () => {
  const state = asRunState({
    status: 'succeeded',
    flowId: 'f',
    version: 1,
    startedAt: 1,
    nodes: {
      fast: { status: 'succeeded', attempts: 1 },
      slow: { status: 'succeeded', attempts: 1, rateLimitWaitMs: 1200, startedAt: 1, endedAt: 1300 },
    },
  });
  assert.ok(state);
  const views = toNodeViews(state);
  assert.equal(views.slow?.rateLimitWaitMs, 1200);
  assert.equal('rateLimitWaitMs' in (views.fast ?? {}), false);
});

test("a Loop's recorded iterations reach the run view with each body node's input, output and error", () => {
  const state = asRunState({
    status: 'failed',
    flowId: 'f',
    version: 1,
    startedAt: 1,
    nodes: {
      each: {
        status: 'failed',
        attempts: 1,
        iterations: [
          {
            index: 0,
            status: 'succeeded',
            nodes: { double: { status: 'succeeded', attempts: 1, input: { n: 1 }, output: { n: 2 }, ports: ['out'] } },
          },
          {
            index: 1,
            status: 'failed',
            nodes: { double: { status: 'failed', attempts: 3, error: { message: 'boom', details: { code: 7 } } } },
          },
        ],
      },
    },
  });
  assert.ok(state);
  assert.deepEqual(toNodeViews(state).each?.iterations, [
    {
      index: 0,
      status: 'succeeded',
      nodes: { double: { status: 'succeeded', attempts: 1, input: { n: 1 }, output: { n: 2 } } },
    },
    {
      index: 1,
      status: 'failed',
      nodes: { double: { status: 'failed', attempts: 3, error: { message: 'boom', details: { code: 7 } } } },
    },
  ]);
});

test('a body node named like an Object.prototype key stays an own entry of its iteration', () => {
  const state = asRunState({
    status: 'succeeded',
    flowId: 'f',
    version: 1,
    startedAt: 1,
    nodes: {
      each: {
        status: 'succeeded',
        attempts: 1,
        iterations: [{ index: 0, status: 'succeeded', nodes: { constructor: { status: 'succeeded', attempts: 1 } } }],
      },
    },
  });
  assert.ok(state);
  const nodes = toNodeViews(state).each?.iterations?.[0]?.nodes ?? {};
  assert.equal(Object.hasOwn(nodes, 'constructor'), true);
});
