import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ParsedRunState } from '@pipewright/run-contract/schema';
import { seedOf } from './failure-starts.ts';

test('a retry from the failed step runs again the steps the failed run undid, and reuses the others', () => {
  const state: ParsedRunState = {
    status: 'failed',
    flowId: 'flow-1',
    version: 2,
    startedAt: 0,
    nodes: {
      hook: { status: 'succeeded', attempts: 1, output: { body: {} } },
      lookup: { status: 'succeeded', attempts: 1, output: { customer: 'c1' } },
      charge: {
        status: 'succeeded',
        attempts: 1,
        output: { id: 'ch_1' },
        undo: { status: 'succeeded', attempts: 1, output: { refunded: true } },
      },
      reserve: {
        status: 'succeeded',
        attempts: 1,
        output: { id: 'rs_1' },
        undo: { status: 'failed', attempts: 3, error: { message: 'release answered 500' } },
      },
      ship: { status: 'failed', attempts: 3, error: { message: 'no courier' } },
    },
    error: { nodeId: 'ship', message: 'no courier' },
    compensation: { status: 'failed', order: ['reserve', 'charge'], failedAt: ['reserve'] },
  };
  assert.deepEqual(seedOf('run-1', state, 'hook'), {
    fromRunId: 'run-1',
    // The charge was refunded: it is charged again.  The reservation's release failed: it still stands.
    nodes: { lookup: { output: { customer: 'c1' } }, reserve: { output: { id: 'rs_1' } } },
  });
});
