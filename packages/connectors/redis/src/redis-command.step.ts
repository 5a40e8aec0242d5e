import { defineStep, readCredential } from '@pipewright/step-sdk';
import { z } from 'zod';
import { redisCredential } from './redis.credential.ts';
import { withRedisClient } from './redis-client.ts';

const NEEDS: Record<'get' | 'set' | 'del' | 'publish', ('key' | 'value' | 'channel')[]> = {
  get: ['key'],
  set: ['key', 'value'],
  del: ['key'],
  publish: ['channel', 'value'],
};

/** One Redis operation: read, write (with an optional expiry) or delete a key, or publish to a channel. */
export const redisCommandStep = defineStep({
  type: 'redis.command',
  version: 1,
  kind: 'action',
  title: 'Redis',
  description: 'Get, set or delete a key, or publish a message to a channel.',
  category: 'Databases',
  keywords: ['redis', 'cache', 'key', 'value', 'pubsub', 'publish'],
  credentials: { redis: redisCredential },
  input: z
    .object({
      operation: z.enum(['get', 'set', 'del', 'publish']),
      key: z.string().min(1).optional(),
      value: z.unknown().optional().describe('Strings are stored as they are, anything else as JSON'),
      channel: z.string().min(1).optional(),
      ttlSeconds: z.number().int().positive().optional().describe('set only: expire the key after this many seconds'),
    })
    .superRefine((input, issues) => {
      for (const field of NEEDS[input.operation]) {
        if (input[field] === undefined) {
          issues.addIssue({ code: 'custom', path: [field], message: `required for "${input.operation}"` });
        }
      }
    }),
  output: z.object({
    operation: z.enum(['get', 'set', 'del', 'publish']),
    /** get: the value, or null when the key does not exist. */
    value: z.string().nullable().optional(),
    /** del: how many keys were removed. */
    deleted: z.number().int().optional(),
    /** publish: how many subscribers received the message. */
    receivers: z.number().int().optional(),
  }),
  ui: {
    operation: { label: 'Operation', widget: 'select', order: 1 },
    key: { label: 'Key', widget: 'expression', order: 2 },
    channel: { label: 'Channel', widget: 'expression', order: 3 },
    value: { label: 'Value / message', widget: 'expression', order: 4 },
    ttlSeconds: { label: 'Expire after (seconds)', widget: 'number', order: 5 },
  },
  retry: { maxAttempts: 3, initialIntervalMs: 500, backoffCoefficient: 2, maxIntervalMs: 10_000 },
  timeoutMs: 30_000,
  async run(input, ctx) {
    const settings = await readCredential(ctx.credentials, 'redis', redisCredential);
    const key = input.key ?? '';
    return withRedisClient(settings, ctx.signal, async (client) => {
      switch (input.operation) {
        case 'get':
          return { operation: 'get' as const, value: await client.get(key) };
        case 'set':
          await client.set(
            key,
            toRedisString(input.value),
            input.ttlSeconds ? { expiration: { type: 'EX', value: input.ttlSeconds } } : {},
          );
          return { operation: 'set' as const };
        case 'del':
          return { operation: 'del' as const, deleted: await client.del(key) };
        case 'publish':
          return {
            operation: 'publish' as const,
            receivers: await client.publish(input.channel ?? '', toRedisString(input.value)),
          };
      }
    });
  },
});

function toRedisString(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value ?? null);
}
