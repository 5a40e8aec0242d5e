import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { isStepError, toManifest } from '@pipewright/step-sdk';
import { createTestContext, runStep, testCredential } from '@pipewright/step-sdk/testing';
import amqp, { type ConsumeMessage } from 'amqplib';
import { rabbitmqCredential } from './rabbitmq.credential.ts';
import { rabbitmqPublishStep } from './rabbitmq-publish.step.ts';

const broker = { host: '127.0.0.1', port: 5672, username: 'guest', password: 'guest' };
const queue = `pw-test-${randomUUID()}`;
const publish = (input: Record<string, unknown>, credential: Record<string, unknown> = broker) =>
  runStep(rabbitmqPublishStep, input, createTestContext({ credentials: { broker: credential } }));

function assertStepError(retryable: boolean, pattern: RegExp, secret?: string) {
  return (error: unknown) => {
    assert.ok(isStepError(error), `expected a StepError, got ${String(error)}`);
    assert.equal(error.retryable, retryable, error.message);
    assert.match(error.message, pattern);
    if (secret) assert.ok(!error.message.includes(secret), `secret leaked: ${error.message}`);
    return true;
  };
}

describe('rabbitmq.publish against the local RabbitMQ', () => {
  let connection: amqp.ChannelModel;
  let channel: amqp.Channel;
  before(async () => {
    connection = await amqp.connect({ hostname: broker.host, port: broker.port, username: 'guest', password: 'guest' });
    channel = await connection.createChannel();
    await channel.assertQueue(queue, { durable: false });
  });
  after(async () => {
    await channel.deleteQueue(queue);
    await connection.close();
  });

  const nextMessage = () =>
    new Promise<ConsumeMessage>((resolve) => {
      void channel.consume(queue, (message) => {
        if (!message) return;
        channel.ack(message);
        void channel.cancel(message.fields.consumerTag).then(() => resolve(message));
      });
    });

  it('declares its credential slot', () => {
    assert.deepEqual(toManifest(rabbitmqPublishStep).credentials, { broker: 'rabbitmq' });
  });

  it('publishes a confirmed, persistent JSON message that a consumer receives', async () => {
    const received = nextMessage();
    const output = await publish({ routingKey: queue, message: { orderId: 42 }, headers: { source: 'pipewright' } });
    assert.deepEqual(output, { exchange: '', routingKey: queue, messageId: 'test-run/test_node/1', confirmed: true });
    const message = await received;
    assert.deepEqual(JSON.parse(message.content.toString('utf8')), { orderId: 42 });
    assert.equal(message.properties.contentType, 'application/json');
    assert.equal(message.properties.messageId, 'test-run/test_node/1');
    assert.equal(message.properties.deliveryMode, 2);
    assert.equal(message.properties.headers?.source, 'pipewright');
  });

  it('publishes text as it is, without waiting for a confirm when asked', async () => {
    const received = nextMessage();
    const output = await publish({ routingKey: queue, message: 'plain text', confirm: false, persistent: false });
    assert.equal(output.confirmed, false);
    const message = await received;
    assert.equal(message.content.toString('utf8'), 'plain text');
    assert.equal(message.properties.contentType, 'text/plain');
    assert.notEqual(message.properties.deliveryMode, 2);
  });

  it('fails without retry when the exchange does not exist', async () => {
    await assert.rejects(
      publish({ exchange: `pw-missing-${randomUUID()}`, routingKey: 'x', message: 'm' }),
      assertStepError(false, /NOT_FOUND - no exchange/),
    );
  });

  it('fails without retry when a mandatory message cannot be routed', async () => {
    await assert.rejects(
      publish({ routingKey: `pw-nobody-${randomUUID()}`, message: 'm', mandatory: true }),
      assertStepError(false, /could not route the message/),
    );
  });

  it('fails a wrong password without retry and without echoing it', async () => {
    await assert.rejects(
      publish({ routingKey: queue, message: 'm' }, { ...broker, password: 'Fake-Pw-7719' }),
      assertStepError(false, /ACCESS.REFUSED/, 'Fake-Pw-7719'),
    );
  });

  it('retries when the broker cannot be reached', async () => {
    await assert.rejects(
      publish({ routingKey: queue, message: 'm' }, { ...broker, port: 1 }),
      assertStepError(true, /could not connect to RabbitMQ at 127\.0\.0\.1:1: .*ECONNREFUSED/),
    );
  });
});

describe('rabbitmq credential test()', () => {
  it('passes for a working broker (default port and vhost)', async () => {
    await testCredential(rabbitmqCredential, { host: '127.0.0.1', username: 'guest', password: 'guest' });
  });
  it('fails, retryable, when the broker is unreachable', async () => {
    await assert.rejects(
      testCredential(rabbitmqCredential, { ...broker, port: 1 }),
      assertStepError(true, /ECONNREFUSED/),
    );
  });
  it('fails, not retryable, for a virtual host that does not exist', async () => {
    await assert.rejects(
      testCredential(rabbitmqCredential, { ...broker, vhost: 'pw-no-such-vhost' }),
      assertStepError(false, /could not connect to RabbitMQ/),
    );
  });
});
