import { encodeMessage } from '@pipewright/connectors-common';
import { defineStep, readCredential, StepError } from '@pipewright/step-sdk';
import { z } from 'zod';
import { rabbitmqCredential } from './rabbitmq.credential.ts';
import { withRabbitMqChannel } from './rabbitmq-client.ts';

/**
 * Publishes one message.  With `confirm` (the default) the step succeeds only once the broker has taken
 * responsibility for the message; the message id is the run's idempotency key, so consumers can drop a duplicate
 * sent by a retried attempt.
 */
export const rabbitmqPublishStep = defineStep({
  type: 'rabbitmq.publish',
  version: 1,
  kind: 'action',
  title: 'RabbitMQ publish',
  description: 'Publish a message to a RabbitMQ exchange.',
  category: 'Messaging',
  keywords: ['rabbitmq', 'amqp', 'queue', 'publish', 'message', 'broker'],
  credentials: { broker: rabbitmqCredential },
  input: z.object({
    exchange: z
      .string()
      .default('')
      .describe('Empty: the default exchange, which routes to the queue named by the routing key'),
    routingKey: z.string().default(''),
    message: z.unknown().describe('Strings are sent as they are, anything else as JSON'),
    headers: z.record(z.string(), z.string()).default({}),
    persistent: z.boolean().default(true).describe('Survives a broker restart (on a durable queue)'),
    confirm: z.boolean().default(true).describe('Wait until the broker confirms the message'),
    mandatory: z.boolean().default(false).describe('Fail when no queue receives the message (needs confirm)'),
  }),
  output: z.object({
    exchange: z.string(),
    routingKey: z.string(),
    messageId: z.string(),
    confirmed: z.boolean(),
  }),
  ui: {
    exchange: { label: 'Exchange', widget: 'expression', order: 1 },
    routingKey: { label: 'Routing key', widget: 'expression', order: 2 },
    message: { label: 'Message', widget: 'code', help: 'Text, JSON or {{ expression }}', order: 3 },
    headers: { label: 'Headers', widget: 'keyValue', order: 4 },
    persistent: { label: 'Persistent', widget: 'toggle', order: 5 },
    confirm: { label: 'Wait for broker confirm', widget: 'toggle', order: 6 },
    mandatory: { label: 'Fail when unroutable', widget: 'toggle', order: 7 },
  },
  retry: { maxAttempts: 3, initialIntervalMs: 1000, backoffCoefficient: 2, maxIntervalMs: 30_000 },
  timeoutMs: 30_000,
  async run(input, ctx) {
    const broker = await readCredential(ctx.credentials, 'broker', rabbitmqCredential);
    const { body, contentType } = encodeMessage(input.message);
    const messageId = ctx.run.idempotencyKey;
    await withRabbitMqChannel(broker, ctx.signal, async (channel) => {
      let returned = false;
      channel.on('return', () => {
        returned = true;
      });
      channel.publish(input.exchange, input.routingKey, body, {
        persistent: input.persistent,
        contentType,
        messageId,
        headers: input.headers,
        mandatory: input.mandatory,
      });
      if (!input.confirm) return;
      // A confirm channel's waitForConfirms rejects when the broker nacks or closes the channel (missing exchange).
      await channel.waitForConfirms();
      // The broker sends basic.return before the confirm, so `returned` is known by now.
      if (returned) {
        throw new StepError(
          `RabbitMQ could not route the message: no queue is bound to exchange "${input.exchange}" with routing key "${input.routingKey}"`,
          { retryable: false },
        );
      }
    });
    return { exchange: input.exchange, routingKey: input.routingKey, messageId, confirmed: input.confirm };
  },
});
