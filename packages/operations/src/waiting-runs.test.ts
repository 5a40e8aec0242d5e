import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  bucketKeyOf,
  readWaiting,
  SETTLED_BUCKET_PRUNE_MS,
  WAITING_BUCKET_MS,
  type WaitingChange,
  type WaitingRunsDocument,
  waitingIncrements,
} from './waiting-runs.ts';

const NOW = 1_800_000_000_000;
const HOUR = 3_600_000;
const change = (flowId: string, acceptedAt: number, counter: WaitingChange['counter'], by = 1): WaitingChange => ({
  workspaceId: 'ws_a',
  flowId,
  acceptedAt,
  counter,
  by,
});

/** The document the increments of `changes` make, as the database would hold it. */
function docOf(changes: WaitingChange[]): WaitingRunsDocument {
  const buckets: Record<string, Record<string, Record<string, number>>> = {};
  for (const [path, by] of Object.entries(waitingIncrements(changes).get('ws_a') ?? {})) {
    const [, bucket = '', flowId = '', counter = ''] = path.split('.');
    const flows = buckets[bucket] ?? {};
    const counters = flows[flowId] ?? {};
    counters[counter] = (counters[counter] ?? 0) + by;
    flows[flowId] = counters;
    buckets[bucket] = flows;
  }
  return { _id: 'ws_a', b: buckets };
}

describe('waiting runs', () => {
  test('waiting is accepted minus begun per flow, and the oldest waiting bucket gives the age', () => {
    const old = NOW - 95_000;
    const doc = docOf([
      change('flw_a', old, 'i', 3),
      change('flw_a', old, 'o', 1),
      change('flw_a', NOW - 5_000, 'i', 4),
      change('flw_b', NOW - 30_000, 'i', 2),
      change('flw_b', NOW - 30_000, 'o', 2),
    ]);
    const { summary } = readWaiting(doc, { now: NOW, windowMs: HOUR });
    assert.equal(summary.waiting, 6);
    assert.deepEqual(
      summary.flows.map((flow) => [flow.flowId, flow.waiting]),
      [['flw_a', 6]],
    );
    const oldestBucketStart = Math.floor(old / WAITING_BUCKET_MS) * WAITING_BUCKET_MS;
    assert.equal(summary.oldestAcceptedAt, oldestBucketStart);
    assert.ok(NOW - oldestBucketStart >= 95_000 && NOW - oldestBucketStart < 95_000 + WAITING_BUCKET_MS);
  });

  test('a bucket with more begun than accepted (a report repeated) hides no other bucket’s waiting runs', () => {
    const doc = docOf([
      change('flw_a', NOW - 40_000, 'i', 2),
      change('flw_a', NOW - 20_000, 'i', 1),
      change('flw_a', NOW - 20_000, 'o', 3),
    ]);
    const { summary } = readWaiting(doc, { now: NOW, windowMs: HOUR });
    assert.equal(summary.waiting, 2);
  });

  test('this process’s changes not written yet count as if they were', () => {
    const doc = docOf([change('flw_a', NOW - 1_000, 'i', 2)]);
    const { summary } = readWaiting(doc, {
      now: NOW,
      windowMs: HOUR,
      pending: [change('flw_a', NOW - 500, 'i', 5), change('flw_c', NOW - 500, 'r')],
    });
    assert.equal(summary.waiting, 7);
    assert.equal(summary.refused, 1);
    assert.deepEqual(
      summary.flows.map((flow) => flow.flowId),
      ['flw_a', 'flw_c'],
    );
  });

  test('entries past the window are ignored and pruned; settled ones after a minute; waiting ones kept', () => {
    const doc = docOf([
      change('flw_a', NOW - HOUR - 20_000, 'i', 9),
      change('flw_a', NOW - SETTLED_BUCKET_PRUNE_MS - 30_000, 'i', 2),
      change('flw_a', NOW - SETTLED_BUCKET_PRUNE_MS - 30_000, 'o', 2),
      change('flw_b', NOW - SETTLED_BUCKET_PRUNE_MS - 30_000, 'i', 1),
      change('flw_a', NOW - 5_000, 'i', 1),
      change('flw_a', NOW - 5_000, 'o', 1),
    ]);
    const { summary, prunable } = readWaiting(doc, { now: NOW, windowMs: HOUR });
    assert.equal(summary.waiting, 1);
    assert.deepEqual(prunable.sort(), [
      `b.${bucketKeyOf(NOW - HOUR - 20_000)}.flw_a`,
      `b.${bucketKeyOf(NOW - SETTLED_BUCKET_PRUNE_MS - 30_000)}.flw_a`,
    ]);
  });

  test('ids that cannot be field names are not counted', () => {
    const increments = waitingIncrements([
      change('flw.a', NOW, 'i'),
      change('$where', NOW, 'i'),
      change('flw_ok', NOW, 'i'),
      change('flw_ok', Number.NaN, 'i'),
    ]);
    assert.deepEqual(Object.keys(increments.get('ws_a') ?? {}), [`b.${bucketKeyOf(NOW)}.flw_ok.i`]);
  });

  test('a hostile stored document (non-numbers, negative counts) reads as no runs', () => {
    const doc = { _id: 'ws_a', b: { [bucketKeyOf(NOW)]: { flw_a: { i: 'x', o: -4 } }, tnope: { flw_a: { i: 3 } } } };
    const { summary } = readWaiting(doc as unknown as WaitingRunsDocument, { now: NOW, windowMs: HOUR });
    assert.equal(summary.waiting, 0);
  });
});
