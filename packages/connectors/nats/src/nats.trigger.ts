import { randomUUID } from 'node:crypto';
import type { Msg, MsgHdrs, NatsConnection } from '@nats-io/transport-node';
import { defineOwn, defineStep, readCredential, StepError } from '@pipewright/step-sdk';
import { z } from 'zod';
import { natsCredential } from './nats.credential.ts';
import { loadJetStream, loadNats, toNatsStepError } from './nats-client.ts';

/** Before JetStream redelivers a message whose run could not be started. */
const NAK_DELAY_MS = 1000;

/**
 * Starts one run per message on a subject.  With a durable JetStream consumer (recommended) a message is acked only
 * after its run was durably started and nak'ed (redelivered) when the start failed; the run id is the stream
 * sequence, so a redelivery never starts a second run.  Plain NATS subscriptions have no acks: a message that
 * arrives while the start fails, or while no worker listens, is lost (at most once), and its run id is the
 * `Nats-Msg-Id` header when the publisher set one (else every message is its own run).  With several workers each
 * message goes to one of them: the durable consumer is shared, and plain subscriptions join one queue group.
 */
export const natsTrigger = defineStep({
  type: 'nats.trigger',
  version: 1,
  kind: 'trigger',
  title: 'NATS message',
  description: 'Starts the flow for each message on a NATS subject (optionally through a durable JetStream consumer).',
  category: 'Triggers',
  keywords: ['nats', 'jetstream', 'subject', 'subscribe', 'message', 'stream', 'trigger'],
  credentials: { server: natsCredential },
  input: z.object({
    subject: z.string().min(1).describe('Subject, wildcards allowed, e.g. orders.>'),
    jetstream: z.boolean().default(true).describe('Consume through a durable JetStream consumer (acked, redelivered)'),
    stream: z.string().default('').describe('JetStream stream; empty: the stream that holds the subject'),
    durable: z.string().default('').describe('Durable consumer name; empty: one per flow'),
  }),
  output: z.object({
    subject: z.string(),
    data: z.unknown().describe('Parsed JSON when the payload is JSON, else the text'),
    headers: z.record(z.string(), z.string()),
    sequence: z.number().nullable().describe('JetStream stream sequence (null without JetStream)'),
    redelivered: z.boolean(),
  }),
  ui: {
    subject: { label: 'Subject', order: 1 },
    jetstream: { label: 'Durable (JetStream)', widget: 'toggle', order: 2 },
    stream: { label: 'Stream', order: 3 },
    durable: { label: 'Consumer name', order: 4 },
  },
  async listen(config, ctx) {
    const server = await readCredential(ctx.credentials, 'server', natsCredential);
    const { connect } = await loadNats();
    let connection: NatsConnection;
    try {
      connection = await connect({
        servers: `${server.host}:${server.port}`,
        name: `pipewright-trigger-${ctx.subscriptionId}`,
        ...(server.username ? { user: server.username, pass: server.password } : {}),
        ...(server.token ? { token: server.token } : {}),
        ...(server.tls ? { tls: {} } : {}),
        timeout: 10_000,
        reconnect: true,
        maxReconnectAttempts: -1,
      });
    } catch (error) {
      throw toNatsStepError(error, server, `could not connect to NATS at ${server.host}:${server.port}`);
    }
    const closed = connection.closed().then(() => {});
    try {
      if (config.jetstream) await consumeJetStream(connection, config, ctx);
      else {
        subscribeCore(connection, config.subject, ctx);
        // Listening once this resolves: the server has the subscription (a message published next reaches it).
        await connection.flush();
      }
    } catch (error) {
      await connection.close().catch(() => {});
      throw toNatsStepError(error, server, `could not subscribe to ${config.subject}`);
    }
    return {
      closed,
      async close() {
        // Drain: messages being handled finish (and are acked) first; unacked ones are redelivered later.
        await connection.drain().catch(() => connection.close());
      },
    };
  },
});

type ListenContext = Parameters<NonNullable<(typeof natsTrigger)['listen']>>[1];

async function consumeJetStream(
  connection: NatsConnection,
  config: { subject: string; stream: string; durable: string },
  ctx: ListenContext,
): Promise<void> {
  const { AckPolicy, DeliverPolicy, jetstream, jetstreamManager } = await loadJetStream();
  const manager = await jetstreamManager(connection);
  const stream = config.stream || (await manager.streams.find(config.subject).catch(() => ''));
  if (!stream) {
    throw new StepError(`no JetStream stream holds subject "${config.subject}": create one, or turn JetStream off`, {
      retryable: false,
    });
  }
  const durable = config.durable || ctx.subscriptionId.replace(/[^A-Za-z0-9_-]/g, '_');
  const existing = await manager.consumers.info(stream, durable).catch(() => undefined);
  if (!existing) {
    // New messages only: a new flow does not replay the stream's history.
    await manager.consumers.add(stream, {
      durable_name: durable,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.New,
      filter_subject: config.subject,
    });
  }
  const consumer = await jetstream(connection).consumers.get(stream, durable);
  const messages = await consumer.consume();
  void (async () => {
    for await (const message of messages) {
      ctx
        .deliver({
          id: `${stream}:${message.seq}`,
          data: {
            subject: message.subject,
            data: decode(message.data),
            headers: headersOf(message.headers),
            sequence: message.seq,
            redelivered: message.redelivered,
          },
        })
        .then(
          () => message.ack(),
          (error: unknown) => {
            ctx.log.warn('could not start a run for a JetStream message; it will be redelivered', {
              sequence: message.seq,
              error: String(error),
            });
            message.nak(NAK_DELAY_MS);
          },
        );
    }
  })();
}

function subscribeCore(connection: NatsConnection, subject: string, ctx: ListenContext): void {
  connection.subscribe(subject, {
    // Every worker listens to every flow: one queue group per flow subscription makes NATS hand each message to one.
    queue: ctx.subscriptionId.replace(/[^A-Za-z0-9_-]/g, '_'),
    callback: (error, message: Msg) => {
      if (error) return;
      const headers = headersOf(message.headers);
      // Core NATS never redelivers: there is nothing to dedupe unless the publisher names the message.
      const id = headers['Nats-Msg-Id'] ?? `receipt-${randomUUID()}`;
      ctx
        .deliver({
          id: `${message.subject}:${id}`,
          data: { subject: message.subject, data: decode(message.data), headers, sequence: null, redelivered: false },
        })
        .catch((startError: unknown) =>
          ctx.log.warn('could not start a run for a NATS message; without JetStream it is lost', {
            error: String(startError),
          }),
        );
    },
  });
}

function headersOf(headers: MsgHdrs | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  if (!headers) return result;
  for (const [name, values] of headers) defineOwn(result, name, values.join(', '));
  return result;
}

function decode(data: Uint8Array): unknown {
  const text = new TextDecoder().decode(data);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
