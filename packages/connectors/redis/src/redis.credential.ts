import { defineCredential } from '@pipewright/step-sdk';
import { z } from 'zod';
import { withRedisClient } from './redis-client.ts';

/** A Redis server; its "Test connection" sends `PING`. */
export const redisCredential = defineCredential({
  type: 'redis',
  version: 1,
  title: 'Redis',
  description: 'Host, port, optional ACL user and password, and database number of a Redis server.',
  fields: z.object({
    host: z.string().min(1),
    port: z.number().int().min(1).max(65535).default(6379),
    username: z.string().optional(),
    password: z.string().default(''),
    database: z.number().int().min(0).default(0),
    tls: z.boolean().default(false),
  }),
  secretFields: ['password'],
  ui: {
    host: { label: 'Host', order: 1 },
    port: { label: 'Port', widget: 'number', order: 2 },
    username: { label: 'User (ACL)', order: 3 },
    password: { label: 'Password', order: 4 },
    database: { label: 'Database number', widget: 'number', order: 5 },
    tls: { label: 'Use TLS', widget: 'toggle', order: 6 },
  },
  async test(values, ctx) {
    await withRedisClient(values, ctx.signal, (client) => client.ping());
  },
});
