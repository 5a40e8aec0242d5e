import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { type JetStreamManager, jetstreamManager } from '@nats-io/jetstream';
import { connect, type Msg, type NatsConnection } from '@nats-io/transport-node';
import { isStepError, toManifest } from '@pipewright/step-sdk';
import { createTestContext, runStep, testCredential } from '@pipewright/step-sdk/testing';
import { natsCredential } from './nats.credential.ts';
import { natsPublishStep } from './nats-publish.step.ts';

const server = { host: '127.0.0.1', port: 4222 };
const id = randomUUID().replaceAll('-', '').slice(0, 12);
const publish = (input: Record<string, unknown>, credential: Record<string, unknown> = server, attempt = 1) =>
  runStep(natsPublishStep, input, createTestContext({ credentials: { nats: credential }, attempt }));

function assertStepError(retryable: boolean, pattern: RegExp) {
  return (error: unknown) => {
    assert.ok(isStepError(error), `expected a StepError, got ${String(error)}`);
    assert.equal(error.retryable, retryable, error.message);
    assert.match(error.message, pattern);
    return true;
  };
}

describe('nats.publish against the local NATS server', () => {
  let observer: NatsConnection;
  let manager: JetStreamManager;
  const stream = `PW_TEST_${id}`;
  before(async () => {
    observer = await connect({ servers: `${server.host}:${server.port}`, reconnect: false });
    manager = await jetstreamManager(observer);
    await manager.streams.add({ name: stream, subjects: [`pw.stream.${id}.>`] });
  });
  after(async () => {
    await manager.streams.delete(stream);
    await observer.close();
  });

  it('declares its credential slot', () => {
    assert.deepEqual(toManifest(natsPublishStep).credentials, { nats: 'nats' });
  });

  it('publishes a message that a subscriber receives, with headers', async () => {
    const subject = `pw.core.${id}`;
    const received = new Promise<Msg>((resolve) => {
      observer.subscribe(subject, { max: 1, callback: (_error, message) => resolve(message) });
    });
    // The subscription must reach the server before the step publishes.
    await observer.flush();
    const output = await publish({ subject, payload: { orderId: 7 }, headers: { 'X-Source': 'pipewright' } });
    assert.deepEqual(output, { subject });
    const message = await received;
    assert.deepEqual(message.json(), { orderId: 7 });
    assert.equal(message.headers?.get('Content-Type'), 'application/json');
    assert.equal(message.headers?.get('X-Source'), 'pipewright');
  });

  it('publishes into a JetStream stream with an ack, and stores a retried attempt once', async () => {
    const subject = `pw.stream.${id}.orders`;
    const first = await publish({ subject, payload: 'stored', stream });
    assert.deepEqual(first, { subject, stream, sequence: 1, duplicate: false });
    // Same run and node, next attempt: same idempotency key, so the stream drops the copy.
    const retried = await publish({ subject, payload: 'stored', stream }, server, 2);
    assert.deepEqual(retried, { subject, stream, sequence: 1, duplicate: true });
    const stored = await manager.streams.getMessage(stream, { seq: 1 });
    assert.equal(stored?.string(), 'stored');
    assert.equal((await manager.streams.info(stream)).state.messages, 1);
  });

  it('fails without retry when the stream does not store the subject', async () => {
    await assert.rejects(
      publish({ subject: `pw.nostream.${id}`, payload: 'x', stream }),
      assertStepError(false, /no JetStream stream stores subject/),
    );
  });

  it('fails without retry when the subject belongs to another stream', async () => {
    await assert.rejects(
      publish({ subject: `pw.stream.${id}.x`, payload: 'x', stream: 'PW_SOMETHING_ELSE' }),
      assertStepError(false, /expected stream does not match/),
    );
  });

  it('rejects wildcard subjects', async () => {
    await assert.rejects(publish({ subject: 'pw.*', payload: 'x' }), /wildcards/);
  });

  it('retries when the server cannot be reached, without echoing secrets', async () => {
    await assert.rejects(
      publish({ subject: 'pw.x', payload: 'x' }, { ...server, port: 1, token: 'Fake-Token-3' }),
      (error: unknown) => {
        assertStepError(true, /could not connect to NATS at 127\.0\.0\.1:1: connection refused/)(error);
        assert.ok(isStepError(error) && !error.message.includes('Fake-Token-3'));
        return true;
      },
    );
  });
});

describe('nats credential test()', () => {
  it('passes for a working server (default port)', async () => {
    await testCredential(natsCredential, { host: '127.0.0.1' });
  });
  it('fails, retryable, when the server is unreachable', async () => {
    await assert.rejects(testCredential(natsCredential, { ...server, port: 1 }), assertStepError(true, /refused/));
  });
});
