import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { isStepError, toManifest } from '@pipewright/step-sdk';
import { createTestContext, runStep, testCredential } from '@pipewright/step-sdk/testing';
import { connectAsync, type IPublishPacket, type MqttClient } from 'mqtt';
import { mqttCredential } from './mqtt.credential.ts';
import { mqttPublishStep } from './mqtt-publish.step.ts';

const broker = { host: '127.0.0.1', port: 1883 };
const publish = (input: Record<string, unknown>, credential: Record<string, unknown> = broker) =>
  runStep(mqttPublishStep, input, createTestContext({ credentials: { broker: credential } }));

async function subscribe(topic: string): Promise<{ client: MqttClient; next: Promise<IPublishPacket> }> {
  const client = await connectAsync('mqtt://127.0.0.1:1883', { reconnectPeriod: 0 });
  const next = new Promise<IPublishPacket>((resolve) => {
    client.on('message', (_topic, _payload, packet) => resolve(packet));
  });
  await client.subscribeAsync(topic, { qos: 1 });
  return { client, next };
}

describe('mqtt.publish against the local Mosquitto', () => {
  it('declares its credential slot', () => {
    assert.deepEqual(toManifest(mqttPublishStep).credentials, { broker: 'mqtt' });
  });

  for (const qos of [0, 1, 2] as const) {
    it(`publishes with QoS ${qos} to a subscriber`, async () => {
      const topic = `pw/test/${randomUUID()}`;
      const { client, next } = await subscribe(topic);
      try {
        const output = await publish({ topic, payload: { temperature: 21.5 }, qos });
        assert.deepEqual(output, { topic, qos, retained: false });
        const packet = await next;
        assert.equal(packet.topic, topic);
        assert.deepEqual(JSON.parse(packet.payload.toString()), { temperature: 21.5 });
      } finally {
        await client.endAsync();
      }
    });
  }

  it('retains a message for subscribers that come later', async () => {
    const topic = `pw/test/${randomUUID()}`;
    await publish({ topic, payload: 'last known state', retain: true });
    const { client, next } = await subscribe(topic);
    try {
      const packet = await next;
      assert.equal(packet.payload.toString(), 'last known state');
      assert.equal(packet.retain, true);
    } finally {
      // An empty retained message clears the retained one.
      await client.publishAsync(topic, '', { retain: true, qos: 1 });
      await client.endAsync();
    }
  });

  it('fails without retry on a password without a user name', async () => {
    await assert.rejects(publish({ topic: 'pw/x', payload: 'm' }, { ...broker, password: 'Fake-Pw-1' }), (error) => {
      assert.ok(isStepError(error));
      assert.equal(error.retryable, false);
      assert.match(error.message, /credential "broker" \(MQTT broker\) is invalid: check username/);
      return true;
    });
  });

  it('rejects wildcard topics before connecting', async () => {
    await assert.rejects(publish({ topic: 'pw/+/x', payload: 'm' }), /wildcards/);
  });

  it('retries when the broker cannot be reached', async () => {
    await assert.rejects(
      publish({ topic: 'pw/x', payload: 'm' }, { ...broker, port: 1, username: 'pw', password: 'Fake-Pw-1' }),
      (error) => {
        assert.ok(isStepError(error));
        assert.equal(error.retryable, true);
        assert.match(error.message, /could not connect to MQTT broker at 127\.0\.0\.1:1: .*ECONNREFUSED/);
        assert.ok(!error.message.includes('Fake-Pw-1'));
        return true;
      },
    );
  });
});

describe('mqtt credential test()', () => {
  it('passes for a working broker (default port)', async () => {
    await testCredential(mqttCredential, { host: '127.0.0.1' });
  });
  it('fails, retryable, when the broker is unreachable', async () => {
    await assert.rejects(testCredential(mqttCredential, { ...broker, port: 1 }), (error) => {
      assert.ok(isStepError(error));
      assert.equal(error.retryable, true);
      return true;
    });
  });
});
