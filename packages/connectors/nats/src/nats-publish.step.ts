import { encodeMessage } from '@pipewright/connectors-common';
import { defineStep, readCredential, StepError } from '@pipewright/step-sdk';
import { z } from 'zod';
import { natsCredential } from './nats.credential.ts';
import { loadJetStream, loadNats, withNatsConnection } from './nats-client.ts';

/**
 * Publishes one message.  Core NATS: the step succeeds once the server has the message (a flush round trip).
 * With a JetStream `stream`, it succeeds once the stream has stored it; the message id is the run's idempotency
 * key, so a retried attempt is stored once (`duplicate: true`).
 */
export const natsPublishStep = defineStep({
  type: 'nats.publish',
  version: 1,
  kind: 'action',
  title: 'NATS publish',
  description: 'Publish a message to a NATS subject, optionally into a JetStream stream with an acknowledgement.',
  category: 'Messaging',
  keywords: ['nats', 'jetstream', 'publish', 'subject', 'message', 'stream'],
  credentials: { nats: natsCredential },
  input: z.object({
    subject: z
      .string()
      .min(1)
      .refine((subject) => !/[\s*>]/.test(subject), 'no spaces or wildcards (*, >) when publishing'),
    payload: z.unknown().describe('Strings are sent as they are, anything else as JSON'),
    headers: z.record(z.string(), z.string()).default({}),
    stream: z.string().min(1).optional().describe('JetStream stream that must store the message'),
  }),
  output: z.object({
    subject: z.string(),
    /** JetStream only: where the message was stored. */
    stream: z.string().optional(),
    sequence: z.number().int().optional(),
    /** JetStream only: the stream already had a message with this id (a retried attempt). */
    duplicate: z.boolean().optional(),
  }),
  ui: {
    subject: { label: 'Subject', widget: 'expression', placeholder: 'orders.created', order: 1 },
    payload: { label: 'Payload', widget: 'code', help: 'Text, JSON or {{ expression }}', order: 2 },
    headers: { label: 'Headers', widget: 'keyValue', order: 3 },
    stream: { label: 'JetStream stream', help: 'Leave empty for core NATS (no acknowledgement)', order: 4 },
  },
  retry: { maxAttempts: 3, initialIntervalMs: 1000, backoffCoefficient: 2, maxIntervalMs: 30_000 },
  timeoutMs: 30_000,
  async run(input, ctx) {
    const settings = await readCredential(ctx.credentials, 'nats', natsCredential);
    const { body, contentType } = encodeMessage(input.payload);
    const { headers: createHeaders } = await loadNats();
    const messageHeaders = createHeaders();
    messageHeaders.set('Content-Type', contentType);
    for (const [name, value] of Object.entries(input.headers)) messageHeaders.set(name, value);
    return withNatsConnection(settings, ctx.signal, async (connection) => {
      if (!input.stream) {
        connection.publish(input.subject, body, { headers: messageHeaders });
        await connection.flush();
        return { subject: input.subject };
      }
      const { jetstream } = await loadJetStream();
      try {
        const ack = await jetstream(connection).publish(input.subject, body, {
          headers: messageHeaders,
          msgID: ctx.run.idempotencyKey,
          expect: { streamName: input.stream },
        });
        return { subject: input.subject, stream: ack.stream, sequence: ack.seq, duplicate: ack.duplicate };
      } catch (error) {
        // Nobody answers a JetStream publish when no stream stores the subject: the client calls that "not enabled".
        if (error instanceof Error && error.name === 'JetStreamNotEnabled') {
          throw new StepError(`no JetStream stream stores subject "${input.subject}" (or JetStream is not enabled)`, {
            retryable: false,
          });
        }
        throw error;
      }
    });
  },
});
