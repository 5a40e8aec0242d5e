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
