import { createMetricsRegistry, createStepMetrics, type MetricsAddress, serveMetrics } from '@pipewright/metrics';
import { type RateLimit, STEP_HEARTBEAT_EVERY_MS } from '@pipewright/run-contract';
import { RunReportWriter, withThrottledAttempts } from '@pipewright/run-reports';
import { connectSharedRedis } from '@pipewright/shared-redis';
import {
  connectStepDeps,
  createMongoStepPauses,
  createRateLimiter,
  createStepActivities,
  createWorkspaceRateLimits,
  type StepAttemptReport,
  type StepHttpOptions,
} from '@pipewright/step-host';
import type { StepPackageDefinition } from '@pipewright/step-sdk';
import { type Tracing, tracingActivityInterceptors } from '@pipewright/tracing';
import { NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { createMigrateStepActivity } from './migrate-step.ts';
import { withPinnedVersions } from './pinned-versions.ts';
import { createServerCredentialResolver } from './server-credentials.ts';

export interface StartPackageWorkerOptions {
  temporalAddress: string;
  namespace?: string;
  /** The package's queue, `pkg.<workspaceId>.<name>` (the server answers it on publish). */
  taskQueue: string;
  definition: StepPackageDefinition;
  /** MongoDB for large outputs (optional: credentials never come from it). */
  mongo?: { uri: string; dbName: string };
  /**
   * The server the package's steps get their credentials from (a developer token of the package's workspace): the
   * worker holds no master keys.  Without it, steps that read a credential fail with a clear error.
   */
  server?: { url: string; token: string };
  /** The SSRF guard of the package's HTTP calls; default: private networks blocked (see the core worker). */
  http?: StepHttpOptions;
  /**
   * Serve Prometheus metrics of the package's step attempts at `GET /metrics` on this address (env
   * PIPEWRIGHT_METRICS_ADDRESS): the same step metrics as the core worker, with `connector="package"` — the
   * package's step names are its author's, never labels.
   */
  metrics?: MetricsAddress;
  /** OpenTelemetry (`OTEL_EXPORTER_OTLP_ENDPOINT`): each step attempt is a span in its run's trace. */
  tracing?: Tracing;
  /**
   * Calls per workspace and connector (the package's step type prefix) as the core worker counts them
   * (docs/adr/019): the workspace's own limits (`rate_limits` in `mongo`), else these (env PIPEWRIGHT_RATE_LIMITS),
   * else 100/s; shared with every worker on the same Redis (`redisUrl`, env PIPEWRIGHT_REDIS_URL).
   */
  rateLimits?: Record<string, RateLimit>;
  redisUrl?: string;
}

export interface RunningPackageWorker {
  taskQueue: string;
  /** The port `/metrics` is served on, when started with `metrics`. */
  metricsPort?: number;
  shutdown(): Promise<void>;
}

/**
 * Starts an activity-only worker for one step package: `runStep`/`evaluateNode` (the same activities as the core
 * worker, over this package's steps) and `migrateStep`.  It carries no workflow code: runs stay on the core queue,
 * and only this package's activities come here — third-party code never runs inside the core workers.
 */
export async function startPackageWorker(options: StartPackageWorkerOptions): Promise<RunningPackageWorker> {
  const [connection, deps] = await Promise.all([
    NativeConnection.connect({ address: options.temporalAddress }),
    connectStepDeps(options.mongo ? { mongo: options.mongo } : {}),
  ]);
  const steps = withPinnedVersions(options.definition.steps);
  const registry = options.metrics ? createMetricsRegistry('package-worker') : undefined;
  // The package's 429s count on the health dashboards like the core worker's (`connector="package"`): written to
  // the rollups when the worker has the database.
  const throttled = deps.db
    ? new RunReportWriter({ db: deps.db, connectorOf: () => 'package', log: Runtime.instance().logger })
    : undefined;
  const attempts = withThrottledAttempts<StepAttemptReport>(
    registry ? createStepMetrics(registry, () => 'package') : undefined,
    throttled,
  );
  const redis = options.redisUrl
    ? connectSharedRedis(options.redisUrl, (message, error) =>
        Runtime.instance().logger.warn(message, { error: error instanceof Error ? error.message : String(error) }),
      )
    : undefined;
  const activities = {
    ...createStepActivities({
      rateLimiter: createRateLimiter({
        limitOf: createWorkspaceRateLimits(deps.db, options.rateLimits ?? {}),
        ...(redis ? { redis: redis.client } : {}),
      }),
      steps,
      ...(attempts ? { metrics: attempts } : {}),
      ...(deps.blobs ? { blobs: deps.blobs } : {}),
      // Admins' pauses of connector types and credentials live in the database: honoured when the worker has it.
      ...(deps.db ? { pauses: createMongoStepPauses(deps.db) } : {}),
      ...(options.server ? { credentials: createServerCredentialResolver(options.server) } : {}),
      ...(options.http ? { http: options.http } : {}),
    }),
    migrateStep: createMigrateStepActivity(options.definition.steps),
  };
  let worker: Worker;
  let metricsServer: Awaited<ReturnType<typeof serveMetrics>> | undefined;
  try {
    metricsServer = registry && options.metrics ? await serveMetrics(registry, options.metrics) : undefined;
    worker = await Worker.create({
      connection,
      namespace: options.namespace ?? 'default',
      taskQueue: options.taskQueue,
      // Step activities heartbeat every half second: a package worker that dies is noticed within seconds.
      maxHeartbeatThrottleInterval: STEP_HEARTBEAT_EVERY_MS,
      ...(options.tracing ? { interceptors: { activity: [tracingActivityInterceptors(options.tracing)] } } : {}),
      activities,
    });
  } catch (error) {
    await metricsServer?.close();
    await throttled?.close();
    await redis?.close();
    await connection.close();
    await deps.close();
    throw error;
  }
  const running = worker.run();
  let stopped: Promise<void> | undefined;
  return {
    taskQueue: options.taskQueue,
    ...(metricsServer ? { metricsPort: metricsServer.port } : {}),
    shutdown() {
      stopped ??= (async () => {
        if (worker.getState() === 'RUNNING') worker.shutdown();
        try {
          await running;
        } finally {
          await metricsServer?.close();
          await throttled?.close(); // its last counts, before the database goes
          await redis?.close();
          await connection.close();
          await deps.close();
        }
      })();
      return stopped;
    },
  };
}
