import {
  abortable,
  connectorError,
  errorMessage,
  isTransientNetworkError,
  lazyModule,
} from '@pipewright/connectors-common';
import { isStepError, type StepError } from '@pipewright/step-sdk';
import type * as redis from '@redis/client';

/** The client, loaded by the first connection: a server or worker that runs no Redis step does not carry it. */
const loadRedis = lazyModule(() => import('@redis/client'));

export interface RedisConnection {
  host: string;
  port: number;
  username?: string | undefined;
  password: string;
  database: number;
  tls: boolean;
}

const CONNECT_TIMEOUT_MS = 10_000;

function createRedisClient({ createClient }: typeof redis, settings: RedisConnection) {
  return createClient({
    socket: {
      host: settings.host,
      port: settings.port,
      ...(settings.tls ? { tls: true as const } : {}),
      connectTimeout: CONNECT_TIMEOUT_MS,
      // One activity attempt = one connection attempt; the node's retry policy decides about retrying.
      reconnectStrategy: false,
    },
    ...(settings.username ? { username: settings.username } : {}),
    ...(settings.password ? { password: settings.password } : {}),
    database: settings.database,
  });
}

export type RedisClient = ReturnType<typeof createRedisClient>;

/** Opens one connection for `work` and always closes it (pooling comes later); aborts with `signal`. */
export async function withRedisClient<T>(
  settings: RedisConnection,
  signal: AbortSignal,
  work: (client: RedisClient) => Promise<T>,
): Promise<T> {
  const driver = await loadRedis();
  const client = createRedisClient(driver, settings);
  // Connection failures are also emitted as events; without a listener they would crash the worker.
  client.on('error', () => {});
  const where = `${settings.host}:${settings.port}`;
  try {
    await abortable(signal, 'Redis connect', client.connect(), () => client.destroy());
  } catch (error) {
    if (client.isOpen) client.destroy();
    throw toRedisStepError(error, settings, `could not connect to Redis at ${where}`, driver.ErrorReply);
  }
  try {
    return await abortable(signal, 'Redis command', work(client), () => client.destroy());
  } catch (error) {
    throw toRedisStepError(error, settings, 'Redis command failed', driver.ErrorReply);
  } finally {
    if (client.isOpen) await client.close().catch(() => client.destroy());
  }
}

/** Server replies that mean "try again later"; any other reply (WRONGTYPE, NOAUTH, syntax…) fails for good. */
const RETRYABLE_REPLIES = /^(LOADING|BUSY|TRYAGAIN|MASTERDOWN|CLUSTERDOWN|READONLY)\b/;

/** `ErrorReply` is the loaded client's class for a server's error reply; the caller has loaded it to connect. */
export function toRedisStepError(
  error: unknown,
  settings: RedisConnection,
  prefix: string,
  ErrorReply: typeof redis.ErrorReply,
): StepError {
  if (isStepError(error)) return error;
  const message = errorMessage(error);
  const retryable =
    error instanceof ErrorReply
      ? RETRYABLE_REPLIES.test(message)
      : isTransientNetworkError(error) || /timeout|closed unexpectedly/i.test(message);
  return connectorError(`${prefix}: ${message}`, {
    retryable,
    secrets: settings.password ? [settings.password] : [],
  });
}
