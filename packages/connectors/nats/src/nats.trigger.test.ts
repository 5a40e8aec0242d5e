import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import type { TriggerListener } from '@pipewright/step-sdk';
import { createTestContext } from '@pipewright/step-sdk/testing';
import { natsTrigger } from './nats.trigger.ts';

const server = { host: '127.0.0.1', port: 4222 };
const COUNT = 20;

interface Received {
  listener: number;
  data: unknown;
}

/**
 * Two listeners of one flow subscription, as two workers open them, while `publish` sends COUNT messages `{ n }`;
 * resolves with every delivery once each message was delivered at least once.
 */
async function deliveriesToTwoListeners(
  config: Record<string, unknown>,
  publish: (n: number) => Promise<void>,
): Promise<Received[]> {
  if (!natsTrigger.listen) throw new Error('nats.trigger cannot listen');
  const listenFn = natsTrigger.listen;
  const subscriptionId = `pw_flow_${randomUUID()}`;
  const received: Received[] = [];
  let allSeen: () => void = () => {};
  const everyMessage = new Promise<void>((resolve) => {
    allSeen = resolve;
  });
  const context = createTestContext({ credentials: { server } });
  const listeners: TriggerListener[] = [];
  try {
    for (const index of [0, 1]) {
      listeners.push(
        await listenFn(natsTrigger.input.parse(config), {
          subscriptionId,
          memberId: `worker-${index}`,
          credentials: context.credentials,
          log: context.log,
          signal: new AbortController().signal,
          async deliver(message) {
            received.push({ listener: index, data: (message.data as { data: unknown }).data });
            if (new Set(received.map((item) => JSON.stringify(item.data))).size === COUNT) allSeen();
          },
        }),
      );
    }
    for (let n = 1; n <= COUNT; n += 1) await publish(n);
    await everyMessage;
  } finally {
    for (const listener of listeners) await listener.close();
  }
  return received;
}

function assertOnceEachWithShares(received: Received[]): void {
  assert.equal(received.length, COUNT, 'no message was delivered to both listeners');
  for (const index of [0, 1]) {
    assert.ok(
      received.some((item) => item.listener === index),
      `listener ${index} got a share`,
    );
  }
}

describe('nats.trigger with two listeners of one subscription (two workers)', () => {
  it('plain subscriptions form one queue group: each message reaches one listener', async () => {
    const subject = `pwtest.${randomUUID().replaceAll('-', '')}.orders`;
    const publisher = await connect({ servers: `${server.host}:${server.port}` });
    try {
      const received = await deliveriesToTwoListeners({ subject, jetstream: false }, async (n) => {
        publisher.publish(subject, JSON.stringify({ n }));
        await publisher.flush();
      });
      assertOnceEachWithShares(received);
    } finally {
      await publisher.close();
    }
  });

  it('JetStream: both listeners pull from one durable consumer, each message reaches one listener', async () => {
    const name = `pwtest_${randomUUID().replaceAll('-', '')}`;
    const subject = `${name}.orders`;
    const publisher = await connect({ servers: `${server.host}:${server.port}` });
    const manager = await jetstreamManager(publisher);
    await manager.streams.add({ name, subjects: [`${name}.>`] });
    try {
      const js = jetstream(publisher);
      const received = await deliveriesToTwoListeners({ subject }, async (n) => {
        await js.publish(subject, JSON.stringify({ n }));
      });
      assertOnceEachWithShares(received);
    } finally {
      await manager.streams.delete(name);
      await publisher.close();
    }
  });
});
