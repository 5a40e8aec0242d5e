import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import type { TriggerListener } from '@pipewright/step-sdk';
import { createTestContext } from '@pipewright/step-sdk/testing';
import { connectAsync } from 'mqtt';
import { mqttTrigger } from './mqtt.trigger.ts';

const broker = { host: '127.0.0.1', port: 1883, clientIdPrefix: 'pw-trigger-test' };

interface Received {
  listener: number;
  topic: string;
  payload: unknown;
}

/** One listener of `subscriptionId`, as one worker opens it; what it delivers is pushed to `received`. */
async function listen(options: {
  subscriptionId: string;
  topic: string;
  index: number;
  onDeliver(received: Received): void;
}): Promise<TriggerListener> {
  if (!mqttTrigger.listen) throw new Error('mqtt.trigger cannot listen');
  const context = createTestContext({ credentials: { broker } });
  return mqttTrigger.listen(mqttTrigger.input.parse({ topic: options.topic, qos: 1 }), {
    subscriptionId: options.subscriptionId,
    memberId: `worker-${options.index}`,
    credentials: context.credentials,
    log: context.log,
    signal: new AbortController().signal,
    async deliver(message) {
      const data = message.data as { topic: string; payload: unknown };
      options.onDeliver({ listener: options.index, topic: data.topic, payload: data.payload });
    },
  });
}

describe('mqtt.trigger against the local Mosquitto', () => {
  it('two listeners of one subscription (two workers) each get a share, together every message exactly once', async () => {
    const topic = `pw-test/${randomUUID()}/readings`;
    const subscriptionId = `pw_flow_${randomUUID()}`;
    const count = 20;
    const received: Received[] = [];
    let allSeen: () => void = () => {};
    const everyMessage = new Promise<void>((resolve) => {
      allSeen = resolve;
    });
    const onDeliver = (delivery: Received) => {
      received.push(delivery);
      if (new Set(received.map((item) => JSON.stringify(item.payload))).size === count) allSeen();
    };
    const listeners = [
      await listen({ subscriptionId, topic, index: 0, onDeliver }),
      await listen({ subscriptionId, topic, index: 1, onDeliver }),
    ];
    const publisher = await connectAsync('mqtt://127.0.0.1:1883', { reconnectPeriod: 0 });
    try {
      for (let n = 1; n <= count; n += 1) await publisher.publishAsync(topic, JSON.stringify({ n }), { qos: 1 });
      await everyMessage;
    } finally {
      await publisher.endAsync();
      for (const listener of listeners) await listener.close();
    }
    assert.equal(received.length, count, 'no message was delivered to both listeners');
    assert.ok(
      received.every((item) => item.topic === topic),
      'the output names the real topic, not the shared one',
    );
    for (const index of [0, 1]) {
      assert.ok(
        received.some((item) => item.listener === index),
        `listener ${index} got a share`,
      );
    }
  });
  it('a worker that restarts takes its session back: messages sent while it was away start their runs', async () => {
    const topic = `pw-test/${randomUUID()}/orders`;
    const subscriptionId = `pw_flow_${randomUUID()}`;
    const received: Received[] = [];
    let arrived: () => void = () => {};
    const allThree = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    const onDeliver = (delivery: Received) => {
      received.push(delivery);
      if (received.length === 3) arrived();
    };
    const before = await listen({ subscriptionId, topic, index: 0, onDeliver });
    await before.close();
    const publisher = await connectAsync('mqtt://127.0.0.1:1883', { reconnectPeriod: 0 });
    try {
      for (let n = 1; n <= 3; n += 1) await publisher.publishAsync(topic, JSON.stringify({ n }), { qos: 1 });
    } finally {
      await publisher.endAsync();
    }
    const after = await listen({ subscriptionId, topic, index: 0, onDeliver });
    try {
      await allThree;
    } finally {
      await after.close();
    }
    assert.deepEqual(
      received.map((item) => item.payload),
      [{ n: 1 }, { n: 2 }, { n: 3 }],
    );
  });
});
