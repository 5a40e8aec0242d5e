import {
  abortable,
  connectorError,
  errorCode,
  errorMessage,
  isTransientNetworkError,
  lazyModule,
} from '@pipewright/connectors-common';
import { isStepError, type StepError } from '@pipewright/step-sdk';
import type pg from 'pg';

/**
 * The driver, loaded by the first connection: a server or worker that runs no PostgreSQL step does not carry it
 * (12 MB of RSS).
 */
const loadDriver = lazyModule(async () => (await import('pg')).default);

export interface PostgresConnection {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  ssl: boolean;
}

const CONNECT_TIMEOUT_MS = 10_000;

/** Opens one connection for `work` and always closes it (pooling comes later); aborts with `signal`. */
export async function withPostgresClient<T>(
  connection: PostgresConnection,
  signal: AbortSignal,
  work: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const { Client, DatabaseError } = await loadDriver();
  const client = new Client({
    host: connection.host,
    port: connection.port,
    user: connection.user,
    password: connection.password,
    database: connection.database,
    ssl: connection.ssl,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    application_name: 'pipewright',
  });
  // A connection dropped while idle is reported as an event; without a listener it would crash the worker.
  client.on('error', () => {});
  const where = `${connection.host}:${connection.port}`;
  try {
    await abortable(signal, 'PostgreSQL connect', client.connect(), () => void client.end().catch(() => {}));
  } catch (error) {
    throw toPostgresStepError(error, connection, `could not connect to PostgreSQL at ${where}`, DatabaseError);
  }
  try {
    return await abortable(signal, 'PostgreSQL query', work(client), () => void client.end().catch(() => {}));
  } catch (error) {
    throw toPostgresStepError(error, connection, 'PostgreSQL query failed', DatabaseError);
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * SQLSTATE classes worth a retry: connection exceptions (08), transaction rollbacks such as deadlocks and
 * serialization failures (40), insufficient resources (53), operator intervention such as shutdowns (57), lock not
 * available (55P03).  Everything else — syntax (42), constraints (23), data (22), auth (28) — fails for good.
 */
function isRetryableSqlState(code: string): boolean {
  return ['08', '40', '53', '57'].includes(code.slice(0, 2)) || code === '55P03';
}

/** `DatabaseError` is the loaded driver's class (a server's error reply); the caller has loaded it to connect. */
export function toPostgresStepError(
  error: unknown,
  connection: PostgresConnection,
  prefix: string,
  DatabaseError: typeof pg.DatabaseError,
): StepError {
  if (isStepError(error)) return error;
  const secrets = [connection.password];
  if (error instanceof DatabaseError) {
    const sqlState = error.code ?? '';
    return connectorError(`${prefix}: ${error.message}${sqlState ? ` (SQLSTATE ${sqlState})` : ''}`, {
      retryable: isRetryableSqlState(sqlState),
      secrets,
      details: {
        sqlState,
        ...(error.position ? { position: Number(error.position) } : {}),
        ...(error.detail ? { detail: error.detail } : {}),
        ...(error.hint ? { hint: error.hint } : {}),
        ...(error.constraint ? { constraint: error.constraint } : {}),
        ...(error.table ? { table: error.table } : {}),
      },
    });
  }
  const code = errorCode(error);
  const message = errorMessage(error);
  // pg reports dropped connections and its own connect timeout without an errno code.
  const droppedConnection = /Connection terminated|timeout/i.test(message);
  return connectorError(`${prefix}: ${message}`, {
    retryable: isTransientNetworkError(error) || droppedConnection,
    secrets,
    ...(code ? { details: { code } } : {}),
  });
}
