import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createRateLimiter, parseRateLimits } from './rate-limiter.ts';
import { createWorkspaceRateLimits } from './workspace-rate-limits.ts';

describe('createRateLimiter (in memory)', () => {
  test('the window’s calls pass at once, the rest wait for the next window; counts are per workspace and connector', async () => {
    const limiter = createRateLimiter({ limitOf: () => ({ count: 3, per: 's' }) });
    const waits = await Promise.all(Array.from({ length: 5 }, () => limiter.acquire('ws-1', 'http')));
    assert.deepEqual(waits.slice(0, 3), [0, 0, 0]);
    for (const wait of waits.slice(3)) assert.ok(wait > 0, `a call beyond the window's 3 waited (${wait} ms)`);
    assert.equal(await limiter.acquire('ws-2', 'http'), 0, 'another workspace has its own count');
    assert.equal(await limiter.acquire('ws-1', 'postgres'), 0, 'another connector has its own count');
  });

  test('a cancelled wait rejects with the reason', async () => {
    const limiter = createRateLimiter({ limitOf: () => ({ count: 1, per: 'm' }) });
    assert.equal(await limiter.acquire('ws', 'http'), 0);
    const controller = new AbortController();
    const waiting = limiter.acquire('ws', 'http', controller.signal);
    controller.abort(new Error('activity cancelled'));
    await assert.rejects(waiting, /activity cancelled/);
  });

  test('a changed limit applies to the next call', async () => {
    let limit = { count: 1, per: 'm' as const };
    const limiter = createRateLimiter({ limitOf: () => limit });
    assert.equal(await limiter.acquire('ws', 'smtp'), 0);
    limit = { count: 2, per: 'm' };
    assert.equal(await limiter.acquire('ws', 'smtp'), 0, 'counted afresh under the new limit');
  });
});

describe('createWorkspaceRateLimits', () => {
  const fakeDb = (limits: Record<string, unknown> | undefined, reads: string[]) =>
    ({
      collection: () => ({
        findOne: async (filter: { _id: string }) => {
          reads.push(filter._id);
          return limits && { _id: filter._id, limits };
        },
      }),
    }) as never;

  test('the workspace’s entry, its *, then the worker’s entry, its *, then 100/s', async () => {
    const reads: string[] = [];
    const limitOf = createWorkspaceRateLimits(
      fakeDb({ http: { count: 5, per: 's' }, '*': { count: 50, per: 'm' } }, reads),
      { http: { count: 20, per: 's' }, postgres: { count: 7, per: 's' } },
    );
    assert.deepEqual(await limitOf('ws', 'http'), { count: 5, per: 's' });
    assert.deepEqual(await limitOf('ws', 'postgres'), { count: 50, per: 'm' }, 'the workspace’s * wins');
    assert.deepEqual(reads, ['ws'], 'read once within the cache time');

    const none = createWorkspaceRateLimits(fakeDb(undefined, []), { postgres: { count: 7, per: 's' } });
    assert.deepEqual(await none('ws', 'postgres'), { count: 7, per: 's' });
    assert.deepEqual(await none('ws', 'constructor'), { count: 100, per: 's' }, 'inherited keys are no connectors');
  });

  test('a change is read again after the cache time', async () => {
    let now = 0;
    const reads: string[] = [];
    const limitOf = createWorkspaceRateLimits(fakeDb({}, reads), {}, { cacheMs: 1_000, now: () => now });
    await limitOf('ws', 'http');
    now = 999;
    await limitOf('ws', 'http');
    now = 1_000;
    await limitOf('ws', 'http');
    assert.deepEqual(reads, ['ws', 'ws']);
  });
});

describe('parseRateLimits', () => {
  test('reads connector=n/s and n/m entries; * is every other connector', () => {
    assert.deepEqual(parseRateLimits('http=20/s, postgres=50/s,smtp=60/m,*=5/s'), {
      http: { count: 20, per: 's' },
      postgres: { count: 50, per: 's' },
      smtp: { count: 60, per: 'm' },
      '*': { count: 5, per: 's' },
    });
    assert.deepEqual(parseRateLimits(undefined), {});
  });

  test('a malformed entry fails with the variable name and the entry', () => {
    assert.throws(() => parseRateLimits('http=fast'), /PIPEWRIGHT_RATE_LIMITS: "http=fast"/);
    assert.throws(() => parseRateLimits('http=0.5/s'), /a whole n; \/m for less than 1 a second/);
    assert.throws(() => parseRateLimits('http=0/s'), /must allow 1 to/);
    assert.throws(() => parseRateLimits('__proto__!=1/s'), /is not <connector>/);
  });
});
