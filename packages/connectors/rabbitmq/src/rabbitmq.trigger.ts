import { randomUUID } from 'node:crypto';
import { defineStep, readCredential } from '@pipewright/step-sdk';
import type { ChannelModel } from 'amqplib';
import { z } from 'zod';
import { rabbitmqCredential } from './rabbitmq.credential.ts';
import { loadAmqp, toRabbitMqStepError } from './rabbitmq-client.ts';

/** Before a message whose run could not be started goes back to the queue: no hot loop while Temporal is down. */
const REQUEUE_DELAY_MS = 1000;

/**
 * Starts one run per message of a queue.  The message is acknowledged only after its run was durably started
 * (manual ack), and put back on the queue (nack + requeue) when the start failed, so nothing is lost; a redelivered
 * message starts no second run because the run's id is derived from the AMQP `messageId` property (publishers
 * should set it; without it a redelivery after a lost ack can start a second run).  With several workers their
 * consumers of the queue compete: RabbitMQ hands each message to one of them.
 */
export const rabbitmqTrigger = defineStep({
  type: 'rabbitmq.trigger',
  version: 1,
  kind: 'trigger',
  title: 'RabbitMQ message',
  description: 'Starts the flow for each message arriving on a RabbitMQ queue.',
  category: 'Triggers',
  keywords: ['rabbitmq', 'amqp', 'queue', 'consume', 'message', 'broker', 'trigger'],
  credentials: { broker: rabbitmqCredential },
  input: z.object({
    queue: z.string().min(1).describe('Queue to consume; it is declared (durable) if missing'),
    prefetch: z.number().int().min(1).max(1000).default(10).describe('Messages in flight at once'),
  }),
  output: z.object({
    queue: z.string(),
    messageId: z.string(),
    exchange: z.string(),
    routingKey: z.string(),
    headers: z.record(z.string(), z.unknown()),
    body: z.unknown().describe('Parsed JSON when the body is JSON, else the text'),
    redelivered: z.boolean(),
  }),
  ui: {
    queue: { label: 'Queue', order: 1 },
    prefetch: { label: 'Prefetch', widget: 'number', order: 2 },
  },
  async listen(config, ctx) {
    const broker = await readCredential(ctx.credentials, 'broker', rabbitmqCredential);
    const { connect } = await loadAmqp();
    let model: ChannelModel;
    try {
      model = await connect(
        {
          protocol: broker.tls ? 'amqps' : 'amqp',
          hostname: broker.host,
          port: broker.port,
          username: broker.username,
          password: broker.password,
          vhost: broker.vhost,
        },
        { timeout: 10_000 },
      );
    } catch (error) {
      throw toRabbitMqStepError(error, broker, `could not connect to RabbitMQ at ${broker.host}:${broker.port}`);
    }
    model.on('error', (error: unknown) => ctx.log.warn('RabbitMQ connection error', { error: String(error) }));
    const channel = await model.createChannel();
    channel.on('error', (error: unknown) => ctx.log.warn('RabbitMQ channel error', { error: String(error) }));
    await channel.assertQueue(config.queue, { durable: true });
    await channel.prefetch(config.prefetch);
    const timers = new Set<NodeJS.Timeout>();
    await channel.consume(
      config.queue,
      (message) => {
        if (message === null) return; // the queue was deleted: the broker cancelled us
        const { properties, fields } = message;
        // Without a publisher-set id nothing identifies a redelivery, and hashing the body would merge two equal
        // messages into one run: each delivery gets its own id (a duplicate run is possible, a lost one is not).
        const messageId =
          typeof properties.messageId === 'string' && properties.messageId !== ''
            ? properties.messageId
            : `delivery-${randomUUID()}`;
        const data = {
          queue: config.queue,
          messageId,
          exchange: fields.exchange,
          routingKey: fields.routingKey,
          headers: { ...(properties.headers ?? {}) },
          body: decodeBody(message.content),
          redelivered: fields.redelivered,
        };
        ctx.deliver({ id: `${config.queue}:${messageId}`, data }).then(
          () => {
            try {
              channel.ack(message);
            } catch {
              // Closed before the ack: the message is redelivered and its run id dedupes it.
            }
          },
          (error: unknown) => {
            ctx.log.warn('could not start a run for a RabbitMQ message; it goes back to the queue', {
              messageId,
              error: String(error),
            });
            const timer = setTimeout(() => {
              timers.delete(timer);
              try {
                channel.nack(message, false, true);
              } catch {
                // The channel closed meanwhile: the broker requeued the message itself.
              }
            }, REQUEUE_DELAY_MS);
            timers.add(timer);
          },
        );
      },
      { noAck: false },
    );
    const closed = new Promise<void>((resolve) => model.once('close', () => resolve()));
    return {
      closed,
      async close() {
        for (const timer of timers) clearTimeout(timer);
        // Unacked messages go back to the queue when the channel closes.
        await model.close().catch(() => {});
      },
    };
  },
});

function decodeBody(content: Buffer): unknown {
  const text = content.toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
