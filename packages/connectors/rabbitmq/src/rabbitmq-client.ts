import {
  abortable,
  connectorError,
  errorMessage,
  isTransientNetworkError,
  lazyModule,
} from '@pipewright/connectors-common';
import { isStepError, type StepError } from '@pipewright/step-sdk';
import type { ChannelModel, ConfirmChannel } from 'amqplib';

/**
 * The client, loaded by the first connection: a server or worker that runs no RabbitMQ step or trigger does not
 * carry it.
 */
export const loadAmqp = lazyModule(async () => (await import('amqplib')).default);

export interface RabbitMqConnection {
  host: string;
  port: number;
  username: string;
  password: string;
  vhost: string;
  tls: boolean;
}

const CONNECT_TIMEOUT_MS = 10_000;

/**
 * Opens one connection and a confirm channel (the broker acknowledges every publish; callers choose whether to wait
 * for it) for `work`, and always closes them (pooling comes later); aborts with `signal`.
 */
export async function withRabbitMqChannel<T>(
  settings: RabbitMqConnection,
  signal: AbortSignal,
  work: (channel: ConfirmChannel) => Promise<T>,
): Promise<T> {
  const where = `${settings.host}:${settings.port}`;
  const { connect } = await loadAmqp();
  const connecting = connect(
    {
      protocol: settings.tls ? 'amqps' : 'amqp',
      hostname: settings.host,
      port: settings.port,
      username: settings.username,
      password: settings.password,
      vhost: settings.vhost,
    },
    { timeout: CONNECT_TIMEOUT_MS },
  );
  let model: ChannelModel;
  try {
    model = await abortable(signal, 'RabbitMQ connect', connecting, () => {
      connecting
        .then(
          (late) => late.close(),
          () => {},
        )
        .catch(() => {});
    });
  } catch (error) {
    throw toRabbitMqStepError(error, settings, `could not connect to RabbitMQ at ${where}`);
  }
  // The broker closing the connection or a channel (e.g. publishing to a missing exchange) is emitted as an event —
  // without listeners it would crash the worker — and the pending operation rejects with a generic "channel
  // closed": keep the broker's own reason for the message.
  let brokerError: unknown;
  model.on('error', (error: unknown) => {
    brokerError ??= error;
  });
  let channel: ConfirmChannel | undefined;
  try {
    channel = await model.createConfirmChannel();
    channel.on('error', (error: unknown) => {
      brokerError ??= error;
    });
    return await abortable(signal, 'RabbitMQ publish', work(channel), () => {
      model.close().catch(() => {});
    });
  } catch (error) {
    throw toRabbitMqStepError(isStepError(error) ? error : (brokerError ?? error), settings, 'RabbitMQ publish failed');
  } finally {
    // Closing the channel first waits for the broker to have processed everything sent on it: a connection closed
    // right after an unconfirmed publish may lose the message.
    await channel?.close().catch(() => {});
    await model.close().catch(() => {});
  }
}

/**
 * AMQP reply codes worth a retry: 320 connection forced (broker shutting down), 506 resource error, 541 internal
 * error.  403 access refused, 404 not found, 406 precondition failed, 530 not allowed fail for good.
 */
const RETRYABLE_REPLY_CODES = new Set([320, 506, 541]);

export function toRabbitMqStepError(error: unknown, settings: RabbitMqConnection, prefix: string): StepError {
  if (isStepError(error)) return error;
  const message = errorMessage(error);
  const code: unknown = typeof error === 'object' && error !== null ? Reflect.get(error, 'code') : undefined;
  const replyCode = typeof code === 'number' ? code : Number(/\b(\d{3}) \([A-Z-]+\)/.exec(message)?.[1] ?? Number.NaN);
  const retryable = Number.isFinite(replyCode)
    ? RETRYABLE_REPLY_CODES.has(replyCode)
    : isTransientNetworkError(error) || /timeout|socket closed/i.test(message);
  return connectorError(`${prefix}: ${message}`, {
    retryable,
    secrets: [settings.password],
    ...(Number.isFinite(replyCode) ? { details: { replyCode } } : {}),
  });
}
