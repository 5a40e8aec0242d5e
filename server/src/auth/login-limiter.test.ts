import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { uniqueName } from '@pipewright/devstack';
import { connectSharedRedis, type SharedRedis } from '@pipewright/shared-redis';
import request from 'supertest';
import { createApp, stopBackgroundJobs } from '../app.ts';
import { type Harness, startHarness } from '../test-support.ts';
import { LoginLimiter } from './login-limiter.ts';
import { TEST_PASSWORD } from './test-accounts.ts';

/**
 * Failed sign-ins counted in a shared Redis: two server instances over one database (as behind a proxy) lock an
 * address after five failures in all, not five on each.  The machine's Redis (127.0.0.1:6379) is the real store.
 */
const REDIS_URL = 'redis://127.0.0.1:6379';
let harness: Harness;
const redises: SharedRedis[] = [];
const apps: Awaited<ReturnType<typeof createApp>>[] = [];

before(async () => {
  harness = await startHarness({ worker: false });
});
after(async () => {
  await Promise.all(apps.map((app) => stopBackgroundJobs(app)));
  await Promise.all(redises.map((redis) => redis.close()));
  await harness?.stop();
});

/** Another server instance on the harness's database and Temporal, with its own Redis client. */
async function serverWithRedis() {
  const redis = connectSharedRedis(REDIS_URL, () => {});
  redises.push(redis);
  await waitUntilReady(redis);
  const app = await createApp({
    db: harness.db,
    temporal: harness.temporal,
    taskQueue: harness.taskQueue,
    redis: redis.client,
  });
  apps.push(app);
  return app;
}

async function waitUntilReady(redis: SharedRedis): Promise<void> {
  const client = redis.client as { isReady: boolean; once(event: 'ready', listener: () => void): void };
  if (!client.isReady) await new Promise<void>((resolve) => client.once('ready', resolve));
}

describe('failed sign-ins shared by server instances', () => {
  test('five failures spread over two servers lock the address on both', async () => {
    const [first, second] = await Promise.all([serverWithRedis(), serverWithRedis()]);
    const email = harness.admin.email;
    for (const [index, app] of [first, second, first, second, first].entries()) {
      await request(app)
        .post('/api/auth/login')
        .send({ email, password: `wrong ${index}` })
        .expect(401);
    }
    for (const app of [first, second]) {
      const locked = await request(app).post('/api/auth/login').send({ email, password: TEST_PASSWORD }).expect(429);
      assert.equal(locked.body.error.code, 'too_many_attempts');
      assert.ok(Number(locked.headers['retry-after']) > 0);
    }
    // A server counting alone (no Redis) never saw those failures: what several instances did before.
    await request(harness.app).post('/api/auth/login').send({ email, password: TEST_PASSWORD }).expect(200);
  });

  test('a successful sign-in clears the count everywhere', async () => {
    const redis = connectSharedRedis(REDIS_URL, () => {});
    redises.push(redis);
    await waitUntilReady(redis);
    const keyPrefix = uniqueName('pw:login');
    const [one, two] = [
      new LoginLimiter({ redis: redis.client, keyPrefix }),
      new LoginLimiter({ redis: redis.client, keyPrefix }),
    ];
    const email = 'Someone@Example.test';
    for (let failure = 0; failure < 4; failure += 1) await (failure % 2 === 0 ? one : two).fail(email);
    assert.equal(await two.lockedFor('someone@example.test'), 0, 'four of five: not yet');
    await one.succeed(email);
    await two.fail(email);
    assert.equal(await one.lockedFor(email), 0, 'counting starts again after a success');
  });

  test('with Redis unreachable, sign-ins still work, counted in the process', async () => {
    const redis = connectSharedRedis('redis://127.0.0.1:1', () => {});
    redises.push(redis);
    const limiter = new LoginLimiter({ redis: redis.client, maxFailures: 2 });
    await limiter.fail('a@example.test');
    assert.equal(await limiter.lockedFor('a@example.test'), 0);
    await limiter.fail('a@example.test');
    assert.ok((await limiter.lockedFor('a@example.test')) > 0);
  });
});
