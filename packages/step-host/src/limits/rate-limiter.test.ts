import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { connectorOf, createRateLimiter, DEFAULT_RATE_LIMIT, parseRateLimits } from './rate-limiter.ts';

describe('createRateLimiter', () => {
  test('a burst passes at once, then callers queue one interval apart; buckets are per workspace and connector', async () => {
    let now = 0;
    const limiter = createRateLimiter({
      limits: { http: { perSecond: 20 } },
      defaultLimit: { perSecond: 1000 },
      now: () => now,
    });
    const waits = await Promise.all(Array.from({ length: 23 }, () => limiter.acquire('ws-1', 'http')));
    assert.deepEqual(waits.slice(0, 20), new Array(20).fill(0));
    assert.deepEqual(waits.slice(20), [50, 100, 150]);
    assert.equal(await limiter.acquire('ws-2', 'http'), 0, 'another workspace has its own bucket');
    assert.equal(await limiter.acquire('ws-1', 'postgres'), 0, 'another connector has its own bucket');
    now += 10_000;
    assert.equal(await limiter.acquire('ws-1', 'http'), 0, 'the bucket refills over time');
  });

  test('a cancelled wait rejects and gives its token back', async () => {
    const now = 0;
    const limiter = createRateLimiter({ limits: {}, defaultLimit: { perSecond: 10, burst: 1 }, now: () => now });
    assert.equal(await limiter.acquire('ws', 'http'), 0);
    const controller = new AbortController();
    const waiting = limiter.acquire('ws', 'http', controller.signal);
    controller.abort(new Error('activity cancelled'));
    await assert.rejects(waiting, /activity cancelled/);
    // Had the token not been returned, the next caller would wait 200 ms instead of 100 ms.
    assert.equal(await limiter.acquire('ws', 'http'), 100);
  });
});

describe('parseRateLimits', () => {
  test('reads connector=n/s and n/m entries; * sets the default', () => {
    assert.deepEqual(parseRateLimits('http=20/s, postgres=50/s,smtp=60/m,*=5/s'), {
      limits: { http: { perSecond: 20 }, postgres: { perSecond: 50 }, smtp: { perSecond: 1, burst: 60 } },
      defaultLimit: { perSecond: 5 },
    });
    assert.deepEqual(parseRateLimits(undefined), { limits: {}, defaultLimit: DEFAULT_RATE_LIMIT });
  });

  test('a malformed entry fails with the variable name and the entry', () => {
    assert.throws(() => parseRateLimits('http=fast'), /PIPEWRIGHT_RATE_LIMITS: "http=fast"/);
    assert.throws(() => parseRateLimits('http=0/s'), /more than 0/);
  });
});

test('connectorOf: the step type prefix', () => {
  assert.equal(connectorOf('http.request'), 'http');
  assert.equal(connectorOf('acme-crm.createContact'), 'acme-crm');
});
