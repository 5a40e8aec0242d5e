import { builtinStepDefinitions } from '@pipewright/builtin-steps';
import {
  builtinConnectorLabel,
  createMetricsRegistry,
  createRunMetrics,
  createStepMetrics,
  type MetricsAddress,
  serveMetrics,
} from '@pipewright/metrics';
import { DEFAULT_TASK_QUEUE, type RateLimit, STEP_HEARTBEAT_EVERY_MS } from '@pipewright/run-contract';
import { RunReportWriter, WaitingRunsCounter, withThrottledAttempts } from '@pipewright/run-reports';
import type { Keyring } from '@pipewright/secrets';
import { connectSharedRedis } from '@pipewright/shared-redis';
import {
  connectStepDeps,
  createMongoStepPauses,
  createRateLimiter,
  createStepActivities,
  createWaitWhilePaused,
  createWorkspaceRateLimits,
  evaluateLoopChunk,
  type StepAttemptReport,
  type StepHttpOptions,
  type StepMetrics,
} from '@pipewright/step-host';
import type { AnyStepDefinition } from '@pipewright/step-sdk';
import { type Tracing, tracingActivityInterceptors, tracingWorkflowSinks } from '@pipewright/tracing';
import { type InjectedSinks, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { createApprovalActivities } from './approvals/approval-activities.ts';
import { createDraftTestActivities } from './draft-tests/recorded-runs.ts';
import { runLogAttributes } from './logging.ts';
import { handOverRun } from './triggers/hand-over.ts';
import { createPollActivities } from './triggers/poll-activities.ts';
import { PollCursors } from './triggers/poll-cursors.ts';
import type { TriggerRunner } from './triggers/trigger-runner.ts';
import { startTriggerService } from './triggers/trigger-service.ts';
import { getWorkflowBundle } from './workflow-bundle.ts';
import { type RunMetricsSinks, STICKY_QUEUE_TIMEOUT_MS } from './workflows/contract.ts';

/**
 * Runs (workflow tasks) and steps a worker works on at once, unless `PIPEWRIGHT_WORKER_SLOTS` says otherwise.  The
 * SDK's default of 40 workflow tasks binds first here: a short step's first attempt runs as a local activity
 * (docs/adr/009), which keeps its run's workflow task, and so a slot, until the step ends — so 40 runs waiting on a
 * slow partner API held the whole worker, and every other run waited for one of them to end (`./pw bench fairness`:
 * another workspace's webhook p95 560 ms at 40, 238 ms at 100, and the flood done in 90 s instead of 202 s).
 */
export const DEFAULT_WORKER_SLOTS = 100;

export interface StartWorkerOptions {
  temporalAddress: string;
  /**
   * After shutdown() (SIGTERM), how long steps already running may take to finish before they are cancelled and
   * handed back to Temporal, which sends their next attempt to another worker.  Default 0 (tests); main.ts reads
   * PIPEWRIGHT_WORKER_SHUTDOWN_GRACE_MS (default 30 s).
   */
  shutdownGraceMs?: number;
  namespace?: string;
  /** Default `pipewright-core`: the queue plans put built-in steps on. */
  taskQueue?: string;
  /**
   * At most this many workflow tasks, and this many steps, at once (`PIPEWRIGHT_WORKER_SLOTS`; default
   * DEFAULT_WORKER_SLOTS): fewer for a small worker under a backlog (the fairness tests).
   */
  slots?: number;
  /**
   * MongoDB for large step outputs (GridFS): outputs above `inlineLimitBytes` are stored there and history holds a
   * reference.  Without it every output stays inline, limited by Temporal's 2 MB payload size.
   */
  mongo?: { uri: string; dbName: string; inlineLimitBytes?: number };
  /** Default: every built-in step. */
  steps?: AnyStepDefinition[];
  /**
   * Master keys to decrypt the credentials steps use (read from `mongo`'s database, where the server stores them).
   * Without it (or without `mongo`), a step that reads a credential fails with a message saying so.
   */
  keyring?: Keyring;
  /**
   * The HTTP steps' SSRF guard.  Default: private networks blocked (a credential's admin-set `network` can open
   * them); `{ allowPrivateNetworks: true }` for local development and tests against 127.0.0.1
   * (env PIPEWRIGHT_ALLOW_PRIVATE_NETWORKS=true in main.ts).  Cloud metadata addresses stay blocked either way.
   */
  http?: StepHttpOptions;
  /**
   * Calls per workspace and connector (step type prefix: `http`, `postgres`…; `*` for every other): this worker's
   * limits (env PIPEWRIGHT_RATE_LIMITS in main.ts), used where a workspace has set none of its own (the
   * `rate_limits` collection in `mongo`, read at most every `rateLimitCacheMs`, default 3 s).  Default 100/s.
   */
  rateLimits?: Record<string, RateLimit>;
  rateLimitCacheMs?: number;
  /**
   * A Redis URL (env PIPEWRIGHT_REDIS_URL): rate limits counted there are shared by every worker on it.  Without
   * it, each worker counts alone (docs/adr/019-shared-rate-limits.md).
   */
  redisUrl?: string;
  /**
   * Also run the trigger runner: one broker subscription (RabbitMQ, MQTT, NATS…) per published flow whose trigger
   * listens, read from the server's database; each message starts a run on this task queue.
   */
  triggers?: { mongoUri: string; dbName: string; syncIntervalMs?: number; memberId?: string; fairness?: boolean };
  /**
   * Serve Prometheus metrics (runs started and finished per flow, step attempts, retries, durations, rate-limit
   * waits and 429s per connector) at `GET /metrics` on this address (env PIPEWRIGHT_METRICS_ADDRESS in main.ts).
   */
  metrics?: MetricsAddress;
  /**
   * How long this worker keeps a workspace's list of paused connector types and credentials (read from `mongo`'s
   * `step_pauses`): a pause or resume takes effect within it.  Default 3 s.
   */
  pauseCacheMs?: number;
  /**
   * OpenTelemetry (main.ts: `OTEL_EXPORTER_OTLP_ENDPOINT`): spans for each run, its steps and its children,
   * children of the span that started the run (the server's request), exported with this process's tracing.
   */
  tracing?: Tracing;
}

export interface RunningWorker {
  taskQueue: string;
  /** Present when started with `triggers`. */
  triggers?: TriggerRunner;
  /** The port `/metrics` is served on, when started with `metrics`. */
  metricsPort?: number;
  /** Stops polling, lets in-flight tasks finish, closes the connection. */
  shutdown(): Promise<void>;
}

/** Starts a worker that runs `runFlow` workflows and the `runStep` activity on one task queue. */
export async function startWorker(options: StartWorkerOptions): Promise<RunningWorker> {
  const taskQueue = options.taskQueue ?? DEFAULT_TASK_QUEUE;
  const [workflowBundle, connection, deps] = await Promise.all([
    getWorkflowBundle({ traced: options.tracing !== undefined }),
    NativeConnection.connect({ address: options.temporalAddress }),
    connectStepDeps({
      ...(options.mongo ? { mongo: options.mongo } : {}),
      ...(options.keyring ? { keyring: options.keyring } : {}),
    }),
  ]);
  const steps = options.steps ?? builtinStepDefinitions;
  const registry = options.metrics ? createMetricsRegistry('worker') : undefined;
  const runMetrics = registry ? createRunMetrics(registry) : undefined;
  // Built-in steps are labelled by connector; any other type (a test's, a package's) is `package`: bounded labels.
  const connectorOf = builtinConnectorLabel(builtinStepDefinitions.map((step) => step.type));
  const stepMetrics = registry ? createStepMetrics(registry, connectorOf) : undefined;
  // Run reports roll up into the health dashboards' collections (@pipewright/run-reports); without MongoDB, none are.
  const reportWriter = deps.db
    ? new RunReportWriter({
        db: deps.db,
        connectorOf,
        log: Runtime.instance().logger,
      })
    : undefined;
  // Runs the server accepted count as waiting until they begin here (docs/adr/027).
  const waitingRuns = deps.db ? new WaitingRunsCounter({ db: deps.db, log: Runtime.instance().logger }) : undefined;
  const sinks: InjectedSinks<RunMetricsSinks> = {
    runMetrics: {
      started: {
        fn: (_info, { acceptedAt, ...record }) => {
          runMetrics?.runStarted(record);
          if (acceptedAt !== undefined) waitingRuns?.add({ ...record, acceptedAt, counter: 'o' });
        },
        callDuringReplay: false,
      },
      finished: {
        fn: (info, { report, ...record }) => {
          runMetrics?.runFinished({ ...record, durationMs: Date.now() - info.runStartTime.getTime() });
          if (report) reportWriter?.add(report);
        },
        callDuringReplay: false,
      },
    },
  };
  // Without the database nothing can be paused: steps never wait.
  const pauses = deps.db
    ? createMongoStepPauses(deps.db, options.pauseCacheMs === undefined ? {} : { cacheMs: options.pauseCacheMs })
    : undefined;
  const redis = options.redisUrl
    ? connectSharedRedis(options.redisUrl, (message, error) =>
        Runtime.instance().logger.warn(message, { error: error instanceof Error ? error.message : String(error) }),
      )
    : undefined;
  // Each attempt goes to Prometheus (when on) and, when answered 429, to the health rollups.
  const attemptMetrics: StepMetrics | undefined = withThrottledAttempts<StepAttemptReport>(stepMetrics, reportWriter);
  const activities = createStepActivities({
    ...(attemptMetrics ? { metrics: attemptMetrics } : {}),
    ...(pauses ? { pauses } : {}),
    steps,
    ...(deps.blobs ? { blobs: deps.blobs } : {}),
    ...(deps.credentials ? { credentials: deps.credentials } : {}),
    ...(options.http ? { http: options.http } : {}),
    rateLimiter: createRateLimiter({
      limitOf: createWorkspaceRateLimits(
        deps.db,
        options.rateLimits ?? {},
        options.rateLimitCacheMs === undefined ? {} : { cacheMs: options.rateLimitCacheMs },
      ),
      ...(redis ? { redis: redis.client } : {}),
    }),
  });
  const draftTests = createDraftTestActivities({
    temporalAddress: options.temporalAddress,
    namespace: options.namespace ?? 'default',
  });
  let worker: Worker;
  let metricsServer: Awaited<ReturnType<typeof serveMetrics>> | undefined;
  try {
    metricsServer = registry && options.metrics ? await serveMetrics(registry, options.metrics) : undefined;
    worker = await Worker.create({
      connection,
      namespace: options.namespace ?? 'default',
      taskQueue,
      workflowBundle,
      ...(options.shutdownGraceMs ? { shutdownGraceTime: options.shutdownGraceMs } : {}),
      maxConcurrentWorkflowTaskExecutions: options.slots ?? DEFAULT_WORKER_SLOTS,
      maxConcurrentActivityTaskExecutions: options.slots ?? DEFAULT_WORKER_SLOTS,
      maxConcurrentLocalActivityExecutions: options.slots ?? DEFAULT_WORKER_SLOTS,
      sinks: { ...sinks, ...(options.tracing ? tracingWorkflowSinks(options.tracing) : {}) },
      interceptors: {
        activity: [runLogAttributes, ...(options.tracing ? [tracingActivityInterceptors(options.tracing)] : [])],
      },
      // A running step's heartbeat reaches Temporal every STEP_HEARTBEAT_EVERY_MS, well inside the heartbeat timeout.
      maxHeartbeatThrottleInterval: STEP_HEARTBEAT_EVERY_MS,
      // A workflow task scheduled on a dead worker's sticky queue goes to the shared queue after this (default 10 s:
      // the chaos drill saw a run wait 11 s after its worker was killed and restarted).
      stickyQueueScheduleToStartTimeout: STICKY_QUEUE_TIMEOUT_MS,
      activities: {
        ...activities,
        evaluateLoopChunk,
        ...draftTests.activities,
        ...createApprovalActivities(deps.db),
        // Scheduled fires and polled items of a flow with "at most N runs at once" go to its coordinator (docs/adr/020).
        handOverRun,
        waitWhileStepPaused: createWaitWhilePaused(pauses, {
          pollMs: Math.max(50, Math.min(1_000, options.pauseCacheMs ?? 1_000)),
        }),
        ...createPollActivities({
          steps,
          cursors: deps.db ? new PollCursors(deps.db) : undefined,
          credentials: deps.credentials,
          http: options.http,
        }),
      },
    });
  } catch (error) {
    await metricsServer?.close();
    await connection.close();
    await reportWriter?.close();
    await waitingRuns?.close();
    await redis?.close();
    await deps.close();
    throw error;
  }
  const running = worker.run();
  let triggers: Awaited<ReturnType<typeof startTriggerService>> | undefined;
  if (options.triggers) {
    try {
      triggers = await startTriggerService({
        temporalAddress: options.temporalAddress,
        namespace: options.namespace ?? 'default',
        taskQueue,
        mongoUri: options.triggers.mongoUri,
        dbName: options.triggers.dbName,
        steps,
        credentials: deps.credentials,
        ...(options.triggers.syncIntervalMs === undefined ? {} : { syncIntervalMs: options.triggers.syncIntervalMs }),
        ...(options.triggers.memberId === undefined ? {} : { memberId: options.triggers.memberId }),
        ...(options.triggers.fairness === undefined ? {} : { fairness: options.triggers.fairness }),
      });
    } catch (error) {
      worker.shutdown();
      await running.catch(() => {});
      await metricsServer?.close();
      await connection.close();
      await reportWriter?.close();
      await waitingRuns?.close();
      await redis?.close();
      await deps.close();
      throw error;
    }
  }
  let stopped: Promise<void> | undefined;
  return {
    taskQueue,
    ...(triggers ? { triggers: triggers.runner } : {}),
    ...(metricsServer ? { metricsPort: metricsServer.port } : {}),
    shutdown() {
      stopped ??= (async () => {
        // Stop taking messages before the worker goes: unacked ones return to their brokers.
        await triggers?.stop();
        if (worker.getState() === 'RUNNING') worker.shutdown();
        try {
          await running;
        } finally {
          await metricsServer?.close();
          await connection.close();
          await draftTests.close();
          await reportWriter?.close();
          await waitingRuns?.close();
          await redis?.close();
          await deps.close();
        }
      })();
      return stopped;
    },
  };
}
