import type { NatsConnection } from '@nats-io/transport-node';
import {
  abortable,
  connectorError,
  errorMessage,
  isTransientNetworkError,
  lazyModule,
} from '@pipewright/connectors-common';
import { isStepError, type StepError } from '@pipewright/step-sdk';

/**
 * The client, and JetStream's API on top of it, loaded when first needed: a server or worker that runs no NATS
 * step or trigger does not carry them.
 */
export const loadNats = lazyModule(() => import('@nats-io/transport-node'));
export const loadJetStream = lazyModule(() => import('@nats-io/jetstream'));

export interface NatsSettings {
  host: string;
  port: number;
  username?: string | undefined;
  password: string;
  token: string;
  tls: boolean;
}

const CONNECT_TIMEOUT_MS = 10_000;

/** Opens one connection for `work` and always closes it (pooling comes later); aborts with `signal`. */
export async function withNatsConnection<T>(
  settings: NatsSettings,
  signal: AbortSignal,
  work: (connection: NatsConnection) => Promise<T>,
): Promise<T> {
  const where = `${settings.host}:${settings.port}`;
  const { connect } = await loadNats();
  const connecting = connect({
    servers: `${settings.host}:${settings.port}`,
    name: 'pipewright',
    ...(settings.username ? { user: settings.username, pass: settings.password } : {}),
    ...(settings.token ? { token: settings.token } : {}),
    ...(settings.tls ? { tls: {} } : {}),
    timeout: CONNECT_TIMEOUT_MS,
    // One activity attempt = one connection attempt; the node's retry policy decides about retrying.
    reconnect: false,
  });
  let connection: NatsConnection;
  try {
    connection = await abortable(signal, 'NATS connect', connecting, () => {
      connecting
        .then(
          (late) => late.close(),
          () => {},
        )
        .catch(() => {});
    });
  } catch (error) {
    throw toNatsStepError(error, settings, `could not connect to NATS at ${where}`);
  }
  try {
    return await abortable(signal, 'NATS publish', work(connection), () => {
      connection.close().catch(() => {});
    });
  } catch (error) {
    throw toNatsStepError(error, settings, 'NATS publish failed');
  } finally {
    await connection.close().catch(() => {});
  }
}

/** Worth a retry: the network, timeouts (no ack in time), a closed or draining connection. */
const RETRYABLE_NAMES = new Set(['TimeoutError', 'ClosedConnectionError', 'DrainingConnectionError']);

export function toNatsStepError(error: unknown, settings: NatsSettings, prefix: string): StepError {
  if (isStepError(error)) return error;
  const name = error instanceof Error ? error.name : '';
  const retryable = isTransientNetworkError(error) || RETRYABLE_NAMES.has(name);
  return connectorError(`${prefix}: ${errorMessage(error)}`, {
    retryable,
    secrets: [settings.password, settings.token].filter((secret) => secret !== ''),
    ...(name ? { details: { error: name } } : {}),
  });
}
