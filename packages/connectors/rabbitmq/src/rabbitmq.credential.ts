import { defineCredential } from '@pipewright/step-sdk';
import { z } from 'zod';
import { withRabbitMqChannel } from './rabbitmq-client.ts';

/** A RabbitMQ (AMQP 0-9-1) broker; its "Test connection" opens a connection and a channel. */
export const rabbitmqCredential = defineCredential({
  type: 'rabbitmq',
  version: 1,
  title: 'RabbitMQ',
  description: 'Host, port, user, password and virtual host of a RabbitMQ broker.',
  fields: z.object({
    host: z.string().min(1),
    port: z.number().int().min(1).max(65535).default(5672),
    username: z.string().min(1),
    password: z.string(),
    vhost: z.string().default('/'),
    tls: z.boolean().default(false),
  }),
  secretFields: ['password'],
  ui: {
    host: { label: 'Host', order: 1 },
    port: { label: 'Port', widget: 'number', order: 2 },
    username: { label: 'User', order: 3 },
    password: { label: 'Password', order: 4 },
    vhost: { label: 'Virtual host', order: 5 },
    tls: { label: 'Use TLS (amqps)', widget: 'toggle', order: 6 },
  },
  async test(values, ctx) {
    await withRabbitMqChannel(values, ctx.signal, async () => {});
  },
});
