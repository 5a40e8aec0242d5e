import { hostname } from 'node:os';
import { createJsonLogger, parseLogLevel } from '@pipewright/logging';
import { parseMetricsAddress } from '@pipewright/metrics';
import { loadKeyring, MASTER_KEYS_HELP } from '@pipewright/secrets';
import { parseMaxResponseBytes, parseRateLimits } from '@pipewright/step-host';
import { startTracing } from '@pipewright/tracing';
import { Runtime } from '@temporalio/worker';
import { startWorker } from './start-worker.ts';

// One JSON object a line on stdout, Temporal's lines and the steps' alike (PIPEWRIGHT_LOG_LEVEL, default info).
const logger = createJsonLogger('worker', parseLogLevel(process.env.PIPEWRIGHT_LOG_LEVEL));
Runtime.install({ logger });

const keyring = loadKeyring(process.env);
if (!keyring) logger.warn(`no master keys: steps that use credentials will fail (${MASTER_KEYS_HELP})`);

const metrics = parseMetricsAddress(process.env.PIPEWRIGHT_METRICS_ADDRESS);
// OpenTelemetry traces, only when an OTLP endpoint is set (OTEL_EXPORTER_OTLP_ENDPOINT).
const tracing = startTracing('pipewright-worker', process.env);
const slots = parseSlots(process.env.PIPEWRIGHT_WORKER_SLOTS);
const worker = await startWorker({
  shutdownGraceMs: parseShutdownGrace(process.env.PIPEWRIGHT_WORKER_SHUTDOWN_GRACE_MS),
  ...(slots === undefined ? {} : { slots }),
  ...(metrics ? { metrics } : {}),
  ...(tracing ? { tracing } : {}),
  temporalAddress: process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233',
  ...(process.env.TEMPORAL_NAMESPACE ? { namespace: process.env.TEMPORAL_NAMESPACE } : {}),
  ...(process.env.TASK_QUEUE ? { taskQueue: process.env.TASK_QUEUE } : {}),
  ...(process.env.MONGODB_URI
    ? {
        mongo: {
          uri: process.env.MONGODB_URI,
          dbName: process.env.MONGODB_DB ?? 'pipewright',
          ...(process.env.BLOB_INLINE_LIMIT_BYTES
            ? { inlineLimitBytes: Number(process.env.BLOB_INLINE_LIMIT_BYTES) }
            : {}),
        },
      }
    : {}),
  ...(keyring ? { keyring } : {}),
  // Local development only: production keeps private networks closed unless a credential's network settings open them.
  http: {
    allowPrivateNetworks: process.env.PIPEWRIGHT_ALLOW_PRIVATE_NETWORKS === 'true',
    maxResponseBytes: parseMaxResponseBytes(process.env.PIPEWRIGHT_HTTP_MAX_RESPONSE_BYTES),
  },
  rateLimits: parseRateLimits(process.env.PIPEWRIGHT_RATE_LIMITS),
  // Shared by every worker on the same Redis; unset: each worker counts alone (fine for one worker).
  ...(process.env.PIPEWRIGHT_REDIS_URL ? { redisUrl: process.env.PIPEWRIGHT_REDIS_URL } : {}),
  // Broker triggers (RabbitMQ, MQTT, NATS) find published flows in the server's database.  Every worker's runner takes
  // a share of each flow's messages (docs/cluster.md, Brokers); PIPEWRIGHT_TRIGGERS=off turns it off on a worker.
  ...(process.env.MONGODB_URI && process.env.PIPEWRIGHT_TRIGGERS !== 'off'
    ? {
        triggers: {
          mongoUri: process.env.MONGODB_URI,
          dbName: process.env.MONGODB_DB ?? 'pipewright',
          // Names this worker's broker sessions (MQTT): the same after a restart, so it takes them back.
          memberId: process.env.PIPEWRIGHT_WORKER_ID?.trim() || hostname(),
          // Lanes and fair shares (docs/adr/027), as the server's setting: off starts message runs first in, first out.
          fairness: parseFairness(process.env.PIPEWRIGHT_FAIRNESS),
        },
      }
    : {}),
});
logger.info(`pipewright worker polling task queue "${worker.taskQueue}"`, { taskQueue: worker.taskQueue });
if (worker.metricsPort !== undefined) logger.info(`metrics at http://${metrics?.host}:${worker.metricsPort}/metrics`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    logger.info(`${signal}: shutting down the worker`);
    worker.shutdown().then(
      // Spans still buffered are exported before the process goes.
      () => void Promise.allSettled([tracing?.shutdown()]).then(() => process.exit(0)),
      (error: unknown) => {
        logger.error('the worker did not shut down cleanly', { error });
        process.exit(1);
      },
    );
  });
}

/** PIPEWRIGHT_WORKER_SHUTDOWN_GRACE_MS: whole milliseconds, 0 to 10 minutes; default 30 s. */
function parseShutdownGrace(value: string | undefined): number {
  const text = value?.trim() ?? '';
  if (text === '') return 30_000;
  const ms = Number(text);
  if (!Number.isInteger(ms) || ms < 0 || ms > 600_000) {
    throw new Error(
      `PIPEWRIGHT_WORKER_SHUTDOWN_GRACE_MS must be a whole number of milliseconds from 0 to 600000, got "${text}"`,
    );
  }
  return ms;
}

/** PIPEWRIGHT_WORKER_SLOTS: runs (workflow tasks) and steps this worker works on at once, 1 to 2000; default 100. */
function parseSlots(value: string | undefined): number | undefined {
  const text = value?.trim() ?? '';
  if (text === '') return undefined;
  const slots = Number(text);
  if (!Number.isInteger(slots) || slots < 1 || slots > 2_000) {
    throw new Error(`PIPEWRIGHT_WORKER_SLOTS must be a whole number from 1 to 2000, got "${text}"`);
  }
  return slots;
}

/** PIPEWRIGHT_FAIRNESS: `on` (default) or `off`, as the server reads it. */
function parseFairness(value: string | undefined): boolean {
  const text = value?.trim().toLowerCase() ?? '';
  if (text === '' || text === 'on') return true;
  if (text === 'off') return false;
  throw new Error(`PIPEWRIGHT_FAIRNESS must be "on" or "off", got "${text}"`);
}
