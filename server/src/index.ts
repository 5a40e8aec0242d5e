import { loadKeyring, MASTER_KEYS_HELP } from '@pipewright/secrets';
import { connectSharedRedis } from '@pipewright/shared-redis';
import { tracingClientInterceptors, tracingEnabled } from '@pipewright/tracing';
import { Client, Connection } from '@temporalio/client';
import { type Db, MongoClient } from 'mongodb';
import type { AppDeps } from './app.ts';
import { readServerConfig, type ServerConfig } from './config.ts';

export { type AppDeps, createApp, ensureIndexes, stopBackgroundJobs } from './app.ts';
export { readServerConfig, type ServerConfig } from './config.ts';
export { type ContractViolation, printContractViolation } from './response-contract.ts';

/** How long a starting server waits for the database (it may be starting too) before it gives up. */
const STARTUP_WAIT_MS = 30_000;

/**
 * Connects, trying again until `withinMs` has passed: a request waits only `dbWaitMs` for the database, but a
 * server started beside it (a restart of both, a cluster coming up) should not exit for being a second early.
 */
async function connectWithin(mongo: MongoClient, withinMs: number): Promise<void> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    try {
      await mongo.connect();
      return;
    } catch (error) {
      if (Date.now() >= deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

export interface ServerDeps extends AppDeps {
  db: Db;
  temporal: Client;
  config: ServerConfig;
  /** Closes the MongoDB, Temporal and (when set) Redis connections. */
  close(): Promise<void>;
}

/**
 * Connects to MongoDB and Temporal as the environment says (see config.ts): what main.ts, the dev launcher and e2e
 * pass to createApp.
 *
 * @example
 * const deps = await connectServerDeps(process.env);
 * const app = await createApp(deps);
 */
export async function connectServerDeps(
  env: Record<string, string | undefined>,
  logger: { warn(message: string): void } = { warn: (message) => console.warn(`[server] ${message}`) },
): Promise<ServerDeps> {
  const config = readServerConfig(env);
  const keyring = loadKeyring(env);
  if (!keyring) logger.warn(`no master keys: credentials cannot be saved or used (${MASTER_KEYS_HELP})`);
  const mongo = new MongoClient(config.mongoUri, { serverSelectionTimeoutMS: config.dbWaitMs });
  await connectWithin(mongo, STARTUP_WAIT_MS);
  let connection: Connection;
  try {
    connection = await Connection.connect({ address: config.temporalAddress });
  } catch (error) {
    await mongo.close();
    throw error;
  }
  const temporal = new Client({
    connection,
    namespace: config.temporalNamespace,
    // Traced (OTEL_EXPORTER_OTLP_ENDPOINT): a run's start carries the request's trace to the workflow in its headers.
    ...(tracingEnabled(env) ? { interceptors: tracingClientInterceptors() } : {}),
  });
  const redis = config.redisUrl
    ? connectSharedRedis(config.redisUrl, (message, error) =>
        logger.warn(`${message}: ${error instanceof Error ? error.message : String(error)}`),
      )
    : undefined;
  return {
    db: mongo.db(config.mongoDb),
    temporal,
    config,
    taskQueue: config.taskQueue,
    ...(keyring ? { keyring } : {}),
    ...(config.webDistDir === undefined ? {} : { webDistDir: config.webDistDir }),
    ...(config.publicBaseUrl === undefined ? {} : { publicBaseUrl: config.publicBaseUrl }),
    ...(config.resumeUrlSecret === undefined ? {} : { resumeUrlSecret: config.resumeUrlSecret }),
    trustProxy: config.trustProxy,
    limits: config.limits,
    pinnedDataLimits: config.pinnedDataLimits,
    engineWaitMs: config.engineWaitMs,
    pausedRetryAfterSeconds: config.pausedRetryAfterSeconds,
    alertsEveryMs: config.alertsEveryMs,
    fairness: config.fairness,
    instanceAdmins: config.instanceAdmins,
    admission: config.admission,
    ...(redis ? { redis: redis.client } : {}),
    async close() {
      await Promise.allSettled([mongo.close(), connection.close(), redis?.close()]);
    },
  };
}
