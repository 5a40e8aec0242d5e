import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CLOSED_AFTER_MS, CLOSED_CACHE_MS, ClosedRollups } from './closed-rollups.ts';

test('documents whose span ended are read once; the current one every time; kept ones expire', async () => {
  const now = 1_000_000_000;
  const fetched: string[][] = [];
  const fetch = async (ids: string[]) => {
    fetched.push(ids);
    return ids.filter((id) => id !== 'gone').map((id) => ({ _id: id }));
  };
  const cache = new ClosedRollups();
  const reads = [
    { id: 'yesterday', endsAt: now - CLOSED_AFTER_MS - 1 },
    { id: 'gone', endsAt: now - CLOSED_AFTER_MS - 1 },
    { id: 'today', endsAt: now + 1000 },
  ];
  assert.deepEqual(
    (await cache.read(reads, now, fetch)).map((doc) => doc._id),
    ['yesterday', 'today'],
  );
  assert.deepEqual(
    (await cache.read(reads, now + 1, fetch)).map((doc) => doc._id),
    ['yesterday', 'today'],
  );
  await cache.read(reads, now + CLOSED_CACHE_MS + 1, fetch);
  assert.deepEqual(fetched, [['yesterday', 'gone', 'today'], ['today'], ['yesterday', 'gone', 'today']]);
});
