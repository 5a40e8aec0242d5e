import { randomUUID } from 'node:crypto';
import {
  abortable,
  connectorError,
  errorMessage,
  isTransientNetworkError,
  lazyModule,
} from '@pipewright/connectors-common';
import { isStepError, type StepError } from '@pipewright/step-sdk';
import type { MqttClient } from 'mqtt';

/**
 * The client, loaded by the first connection: a server or worker that runs no MQTT step or trigger does not carry
 * it.
 */
export const loadMqtt = lazyModule(() => import('mqtt'));

export interface MqttConnection {
  host: string;
  port: number;
  username?: string | undefined;
  password: string;
  tls: boolean;
  clientIdPrefix: string;
}

const CONNECT_TIMEOUT_MS = 10_000;

/** Opens one client for `work` and always closes it (pooling comes later); aborts with `signal`. */
export async function withMqttClient<T>(
  settings: MqttConnection,
  signal: AbortSignal,
  work: (client: MqttClient) => Promise<T>,
): Promise<T> {
  const { connect } = await loadMqtt();
  const client = connect({
    protocol: settings.tls ? 'mqtts' : 'mqtt',
    host: settings.host,
    port: settings.port,
    ...(settings.username ? { username: settings.username } : {}),
    ...(settings.password ? { password: settings.password } : {}),
    clientId: `${settings.clientIdPrefix}-${randomUUID().slice(0, 8)}`,
    connectTimeout: CONNECT_TIMEOUT_MS,
    // One activity attempt = one connection attempt; the node's retry policy decides about retrying.
    reconnectPeriod: 0,
  });
  const where = `${settings.host}:${settings.port}`;
  // mqtt.js reports socket errors (ECONNREFUSED…) only as a 'close'; the socket's own error says why.
  let socketError: unknown;
  client.stream.once('error', (error: unknown) => {
    socketError = error;
  });
  const connected = new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('error', reject);
    client.once('close', () => reject(socketError ?? new Error('connection closed before the broker accepted it')));
  });
  // Later errors are reported by the pending operation; without a listener they would crash the worker.
  client.on('error', () => {});
  try {
    await abortable(signal, 'MQTT connect', connected, () => client.end(true));
  } catch (error) {
    client.end(true);
    throw toMqttStepError(error, settings, `could not connect to MQTT broker at ${where}`);
  }
  try {
    return await abortable(signal, 'MQTT publish', work(client), () => client.end(true));
  } catch (error) {
    throw toMqttStepError(error, settings, 'MQTT publish failed');
  } finally {
    // Not forced: lets in-flight QoS 1/2 handshakes finish before disconnecting.
    await client.endAsync().catch(() => client.end(true));
  }
}

/**
 * CONNACK/PUBACK reason codes worth a retry: 3 server unavailable (MQTT 3.1.1); 0x88 server unavailable, 0x89 server
 * busy, 0x97 quota exceeded (MQTT 5).  Bad credentials, not authorized, invalid topic and the like fail for good.
 */
const RETRYABLE_REASON_CODES = new Set([3, 0x88, 0x89, 0x97]);

export function toMqttStepError(error: unknown, settings: MqttConnection, prefix: string): StepError {
  if (isStepError(error)) return error;
  const code: unknown = typeof error === 'object' && error !== null ? Reflect.get(error, 'code') : undefined;
  const message = errorMessage(error);
  const retryable =
    typeof code === 'number'
      ? RETRYABLE_REASON_CODES.has(code)
      : isTransientNetworkError(error) || /timeout|closed before/i.test(message);
  return connectorError(`${prefix}: ${message}`, {
    retryable,
    secrets: settings.password ? [settings.password] : [],
    ...(typeof code === 'number' ? { details: { reasonCode: code } } : {}),
  });
}
