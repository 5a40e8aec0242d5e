import { defineCredential } from '@pipewright/step-sdk';
import { z } from 'zod';
import { withNatsConnection } from './nats-client.ts';

/** A NATS server; its "Test connection" connects and round-trips a flush. */
export const natsCredential = defineCredential({
  type: 'nats',
  version: 1,
  title: 'NATS',
  description: 'Host and port of a NATS server, with a user and password or a token when it requires one.',
  fields: z.object({
    host: z.string().min(1),
    port: z.number().int().min(1).max(65535).default(4222),
    username: z.string().optional(),
    password: z.string().default(''),
    token: z.string().default(''),
    tls: z.boolean().default(false),
  }),
  secretFields: ['password', 'token'],
  ui: {
    host: { label: 'Host', order: 1 },
    port: { label: 'Port', widget: 'number', order: 2 },
    username: { label: 'User', order: 3 },
    password: { label: 'Password', order: 4 },
    token: { label: 'Token', help: 'Instead of user and password', order: 5 },
    tls: { label: 'Use TLS', widget: 'toggle', order: 6 },
  },
  async test(values, ctx) {
    await withNatsConnection(values, ctx.signal, (connection) => connection.flush());
  },
});
