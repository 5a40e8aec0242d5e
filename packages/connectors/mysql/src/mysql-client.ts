import { Socket } from 'node:net';
import {
  abortable,
  connectorError,
  errorCode,
  errorMessage,
  isTransientNetworkError,
  lazyModule,
} from '@pipewright/connectors-common';
import { isStepError, type StepError } from '@pipewright/step-sdk';
import type mysql from 'mysql2/promise';

/** The driver, loaded by the first connection: a server or worker that runs no MySQL step does not carry it (12 MB). */
const loadDriver = lazyModule(async () => (await import('mysql2/promise')).default);

export interface MysqlConnection {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  ssl: boolean;
}

const CONNECT_TIMEOUT_MS = 10_000;

/** Opens one connection for `work` and always closes it (pooling comes later); aborts with `signal`. */
export async function withMysqlConnection<T>(
  settings: MysqlConnection,
  signal: AbortSignal,
  work: (connection: mysql.Connection) => Promise<T>,
): Promise<T> {
  const where = `${settings.host}:${settings.port}`;
  let connection: mysql.Connection;
  const { createConnection } = await loadDriver();
  const connecting = createConnection({
    host: settings.host,
    port: settings.port,
    user: settings.user,
    password: settings.password,
    database: settings.database,
    ...(settings.ssl ? { ssl: {} } : {}),
    connectTimeout: CONNECT_TIMEOUT_MS,
    // Dates as UTC instants; BIGINT/DECIMAL as strings so no digit is lost (as pg does).
    timezone: 'Z',
    supportBigNumbers: true,
    bigNumberStrings: true,
    multipleStatements: false,
  });
  try {
    // Cancelled while connecting: close the connection once it is open, nobody else will.
    connection = await abortable(signal, 'MySQL connect', connecting, () => {
      connecting.then(dropSocket, () => {});
    });
  } catch (error) {
    throw toMysqlStepError(error, settings, `could not connect to MySQL at ${where}`);
  }
  // A connection dropped while idle is reported as an event; without a listener it would crash the worker.
  connection.on('error', () => {});
  try {
    return await abortable(signal, 'MySQL query', work(connection), () => dropSocket(connection));
  } catch (error) {
    throw toMysqlStepError(error, settings, 'MySQL query failed');
  } finally {
    await connection.end().catch(() => connection.destroy());
  }
}

/**
 * mysql2's destroy() only half-closes the socket, which keeps the process waiting for a busy server; a cancelled
 * activity must let go at once.
 */
function dropSocket(connection: mysql.Connection): void {
  // The promise wrapper keeps the callback connection (and its socket) untyped.
  const core: unknown = Reflect.get(connection, 'connection');
  const socket: unknown = typeof core === 'object' && core !== null ? Reflect.get(core, 'stream') : undefined;
  if (socket instanceof Socket) socket.destroy();
  else connection.destroy();
}

/**
 * Server errors worth a retry: too many connections, lock wait timeout, deadlock, shutdown in progress, connection
 * killed.  Everything else — syntax, constraints, unknown tables, access denied — fails for good.
 */
const RETRYABLE_ERRNOS = new Set([1040, 1053, 1205, 1213, 1927, 2006, 2013]);
const RETRYABLE_CODES = new Set(['PROTOCOL_CONNECTION_LOST', 'PROTOCOL_SEQUENCE_TIMEOUT', 'ETIMEDOUT']);

export function toMysqlStepError(error: unknown, settings: MysqlConnection, prefix: string): StepError {
  if (isStepError(error)) return error;
  const code = errorCode(error);
  const errno: unknown = typeof error === 'object' && error !== null ? Reflect.get(error, 'errno') : undefined;
  const sqlState: unknown = typeof error === 'object' && error !== null ? Reflect.get(error, 'sqlState') : undefined;
  const retryable =
    isTransientNetworkError(error) ||
    (code !== undefined && RETRYABLE_CODES.has(code)) ||
    (typeof errno === 'number' && RETRYABLE_ERRNOS.has(errno)) ||
    (typeof sqlState === 'string' && sqlState.startsWith('08'));
  const label = code ? ` (${code})` : '';
  return connectorError(`${prefix}: ${errorMessage(error)}${label}`, {
    retryable,
    secrets: [settings.password],
    details: {
      ...(code ? { code } : {}),
      ...(typeof errno === 'number' ? { errno } : {}),
      ...(typeof sqlState === 'string' ? { sqlState } : {}),
    },
  });
}
