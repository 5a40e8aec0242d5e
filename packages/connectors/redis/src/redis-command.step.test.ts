import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { isStepError, toManifest } from '@pipewright/step-sdk';
import { createTestContext, runStep, testCredential } from '@pipewright/step-sdk/testing';
import { createClient } from '@redis/client';
import { z } from 'zod';
import { redisCredential } from './redis.credential.ts';
import { redisCommandStep } from './redis-command.step.ts';

const server = { host: '127.0.0.1', port: 6379 };
const key = `pw:test:${randomUUID()}`;
const command = (input: Record<string, unknown>, credential: Record<string, unknown> = server) =>
  runStep(redisCommandStep, input, createTestContext({ credentials: { redis: credential } }));

function assertStepError(retryable: boolean, pattern: RegExp, secret?: string) {
  return (error: unknown) => {
    assert.ok(isStepError(error), `expected a StepError, got ${String(error)}`);
    assert.equal(error.retryable, retryable, error.message);
    assert.match(error.message, pattern);
    if (secret) assert.ok(!error.message.includes(secret), `secret leaked: ${error.message}`);
    return true;
  };
}

describe('redis.command against the local Redis', () => {
  const observer = createClient({ socket: server });
  before(async () => {
    await observer.connect();
  });
  after(async () => {
    await observer.del(key);
    observer.destroy();
  });

  it('declares its credential slot', () => {
    assert.deepEqual(toManifest(redisCommandStep).credentials, { redis: 'redis' });
  });

  it('sets a value with an expiry, gets it back, deletes it', async () => {
    assert.deepEqual(await command({ operation: 'set', key, value: { n: 1 }, ttlSeconds: 60 }), { operation: 'set' });
    const ttl = await observer.ttl(key);
    assert.ok(ttl > 0 && ttl <= 60, `ttl ${ttl}`);
    assert.deepEqual(await command({ operation: 'get', key }), { operation: 'get', value: '{"n":1}' });
    assert.deepEqual(await command({ operation: 'del', key }), { operation: 'del', deleted: 1 });
    assert.deepEqual(await command({ operation: 'get', key }), { operation: 'get', value: null });
    assert.deepEqual(await command({ operation: 'del', key }), { operation: 'del', deleted: 0 });
  });

  it('sets without expiry when no ttl is given', async () => {
    await command({ operation: 'set', key, value: 'plain' });
    assert.equal(await observer.ttl(key), -1);
    assert.equal(await observer.get(key), 'plain');
  });

  it('publishes a message that a subscriber receives', async () => {
    const channel = `pw:channel:${randomUUID()}`;
    const subscriber = observer.duplicate();
    await subscriber.connect();
    try {
      let deliver: (message: string) => void = () => {};
      const received = new Promise<string>((resolve) => {
        deliver = resolve;
      });
      // subscribe() resolves once the server has confirmed the subscription.
      await subscriber.subscribe(channel, (message) => deliver(message));
      const output = await command({ operation: 'publish', channel, value: 'hello subscribers' });
      assert.deepEqual(output, { operation: 'publish', receivers: 1 });
      assert.equal(await received, 'hello subscribers');
    } finally {
      subscriber.destroy();
    }
  });

  it('rejects input that lacks what the operation needs', async () => {
    const issuesOf = (error: unknown) =>
      error instanceof z.ZodError ? error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`) : [];
    await assert.rejects(command({ operation: 'set', key }), (error) => {
      assert.deepEqual(issuesOf(error), ['value: required for "set"']);
      return true;
    });
    await assert.rejects(command({ operation: 'publish', value: 'x' }), (error) => {
      assert.deepEqual(issuesOf(error), ['channel: required for "publish"']);
      return true;
    });
  });

  it('fails a command the server rejects without retry', async () => {
    const listKey = `${key}:list`;
    await observer.lPush(listKey, 'x');
    try {
      await assert.rejects(command({ operation: 'get', key: listKey }), assertStepError(false, /WRONGTYPE/));
    } finally {
      await observer.del(listKey);
    }
  });

  it('fails a wrong password without retry and without echoing it', async () => {
    await assert.rejects(
      command({ operation: 'get', key }, { ...server, username: 'pw_nobody', password: 'Fake-Pw-5521' }),
      assertStepError(false, /could not connect to Redis.*WRONGPASS/, 'Fake-Pw-5521'),
    );
  });

  it('retries when the server cannot be reached', async () => {
    await assert.rejects(
      command({ operation: 'get', key }, { ...server, port: 1 }),
      assertStepError(true, /could not connect to Redis at 127\.0\.0\.1:1: .*ECONNREFUSED/),
    );
  });
});

describe('redis credential test()', () => {
  it('passes for a working server (default port)', async () => {
    await testCredential(redisCredential, { host: '127.0.0.1' });
  });
  it('fails, retryable, when the server is unreachable', async () => {
    await assert.rejects(
      testCredential(redisCredential, { ...server, port: 1 }),
      assertStepError(true, /ECONNREFUSED/),
    );
  });
});
