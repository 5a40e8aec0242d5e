import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export type { Registry } from 'prom-client';

/**
 * Pipewright's Prometheus metrics.  Labels are bounded by design: a workspace id, a flow id, a connector (the step
 * type's prefix for built-in steps, `package` for a step package's: its names are the package author's) and small
 * enums.  Never a run id, a node id, an error message or anything else a user or a sender chose.
 */
export function createMetricsRegistry(process: 'server' | 'worker' | 'package-worker'): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ process });
  collectDefaultMetrics({ register: registry, prefix: 'pipewright_' });
  return registry;
}

/** One attempt of a step, as the step host reports it (its `StepMetrics` port). */
export interface StepAttemptRecord {
  workspaceId: string;
  stepType: string;
  /** 1 for a first try. */
  attempt: number;
  /** `failed_retryable`: failed in a way the node's retry policy may try again; `failed`: not retryable. */
  outcome: 'succeeded' | 'failed_retryable' | 'failed';
  durationMs: number;
  /** How long it waited for its connector's rate limit before it ran. */
  rateLimitWaitMs: number;
  /** The service it called answered 429 Too Many Requests. */
  tooManyRequests: boolean;
}

/** Turns a step type into a bounded label: the connector of a built-in step, `package` for any other. */
export type ConnectorLabel = (stepType: string) => string;

export function builtinConnectorLabel(builtinTypes: Iterable<string>): ConnectorLabel {
  const builtin = new Set(builtinTypes);
  return (type) => (builtin.has(type) ? (type.split('.')[0] ?? 'unknown') : 'package');
}

const STEP_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

/** Step attempts, retries, durations, rate-limit waits and 429s per workspace and connector. */
export function createStepMetrics(registry: Registry, connectorOf: ConnectorLabel) {
  const labelNames = ['workspace', 'connector'] as const;
  const attempts = new Counter({
    name: 'pipewright_step_attempts_total',
    help: 'Step attempts, by outcome: succeeded, failed_retryable (the retry policy may try again), failed (not retryable)',
    labelNames: [...labelNames, 'outcome'],
    registers: [registry],
  });
  const retries = new Counter({
    name: 'pipewright_step_retries_total',
    help: 'Step attempts after the first',
    labelNames,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'pipewright_step_duration_seconds',
    help: 'How long a step attempt ran (after its rate-limit wait)',
    labelNames,
    buckets: STEP_SECONDS,
    registers: [registry],
  });
  const rateLimitWaits = new Counter({
    name: 'pipewright_rate_limit_waits_total',
    help: "Step attempts that waited for their connector's rate limit",
    labelNames,
    registers: [registry],
  });
  const rateLimitSeconds = new Counter({
    name: 'pipewright_rate_limit_wait_seconds_total',
    help: "Time step attempts spent waiting for their connector's rate limit",
    labelNames,
    registers: [registry],
  });
  const tooManyRequests = new Counter({
    name: 'pipewright_step_429_total',
    help: 'Step attempts the called service answered 429 Too Many Requests',
    labelNames,
    registers: [registry],
  });
  return {
    stepAttempt(record: StepAttemptRecord): void {
      const labels = { workspace: record.workspaceId, connector: connectorOf(record.stepType) };
      attempts.inc({ ...labels, outcome: record.outcome });
      if (record.attempt > 1) retries.inc(labels);
      duration.observe(labels, record.durationMs / 1000);
      if (record.rateLimitWaitMs > 0) {
        rateLimitWaits.inc(labels);
        rateLimitSeconds.inc(labels, record.rateLimitWaitMs / 1000);
      }
      if (record.tooManyRequests) tooManyRequests.inc(labels);
    },
  };
}

export interface RunStartRecord {
  workspaceId: string;
  flowId: string;
  /** How the run was started (`RunKind`): manual, webhook, schedule, poll, message, error, subflow. */
  trigger: string;
}

export interface RunFinishRecord {
  workspaceId: string;
  flowId: string;
  status: 'succeeded' | 'failed';
  durationMs: number;
}

const RUN_SECONDS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 3600, 86_400];

/** Runs started and finished per workspace and flow, and how long they took. */
export function createRunMetrics(registry: Registry) {
  const started = new Counter({
    name: 'pipewright_runs_started_total',
    help: 'Runs a worker started, by trigger',
    labelNames: ['workspace', 'flow', 'trigger'],
    registers: [registry],
  });
  const finished = new Counter({
    name: 'pipewright_runs_finished_total',
    help: 'Runs that finished, by status: succeeded or failed',
    labelNames: ['workspace', 'flow', 'status'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'pipewright_run_duration_seconds',
    help: 'From a run starting on a worker to its end',
    labelNames: ['workspace', 'flow'],
    buckets: RUN_SECONDS,
    registers: [registry],
  });
  return {
    runStarted(record: RunStartRecord): void {
      started.inc({ workspace: record.workspaceId, flow: record.flowId, trigger: record.trigger });
    },
    runFinished(record: RunFinishRecord): void {
      const labels = { workspace: record.workspaceId, flow: record.flowId };
      finished.inc({ ...labels, status: record.status });
      duration.observe(labels, record.durationMs / 1000);
    },
  };
}

export type WebhookOutcome = 'accepted' | 'duplicate' | 'refused' | 'unavailable';
/** What became of a delivery whose body broke its flow's contract: refused with 422, or run and flagged. */
export type ContractViolationOutcome = 'rejected' | 'flagged';

/** Webhook deliveries per workspace and flow, by what they were answered, and the runs waiting to start. */
export function createIngressMetrics(registry: Registry, queued?: () => Promise<number>) {
  const deliveries = new Counter({
    name: 'pipewright_webhook_deliveries_total',
    help: 'Webhook deliveries to a known flow: accepted, duplicate (a repeated delivery id), refused (4xx), unavailable (5xx)',
    labelNames: ['workspace', 'flow', 'outcome'],
    registers: [registry],
  });
  const violations = new Counter({
    name: 'pipewright_contract_violations_total',
    help: 'Webhook deliveries whose body broke the flow’s contract: rejected (422) or flagged (run, marked)',
    labelNames: ['workspace', 'outcome'],
    registers: [registry],
  });
  if (queued) {
    new Gauge({
      name: 'pipewright_runs_queued',
      help: 'Runs durably accepted and not yet started on Temporal',
      registers: [registry],
      async collect() {
        this.set(await queued());
      },
    });
  }
  return {
    webhookDelivery(record: { workspaceId: string; flowId: string; outcome: WebhookOutcome }): void {
      deliveries.inc({ workspace: record.workspaceId, flow: record.flowId, outcome: record.outcome });
    },
    contractViolation(record: { workspaceId: string; outcome: ContractViolationOutcome }): void {
      violations.inc({ workspace: record.workspaceId, outcome: record.outcome });
    },
  };
}

/**
 * The failed-runs queue's size ("DLQ": failed runs not yet retried, re-run or dismissed) per workspace and connector
 * (of the failing step), read from the store when Prometheus scrapes.
 */
export function createFailedRunsGauge(
  registry: Registry,
  connectorOf: ConnectorLabel,
  read: () => Promise<{ workspaceId: string; nodeType: string; count: number }[]>,
): void {
  new Gauge({
    name: 'pipewright_failed_runs_open',
    help: 'Failed runs waiting in the failed-runs queue (the DLQ): not yet retried, re-run or dismissed',
    labelNames: ['workspace', 'connector'],
    registers: [registry],
    async collect() {
      this.reset();
      const totals = new Map<string, { workspace: string; connector: string; count: number }>();
      for (const row of await read()) {
        const connector = connectorOf(row.nodeType);
        const key = `${row.workspaceId}\0${connector}`;
        const total = totals.get(key) ?? { workspace: row.workspaceId, connector, count: 0 };
        total.count += row.count;
        totals.set(key, total);
      }
      for (const { workspace, connector, count } of totals.values()) this.set({ workspace, connector }, count);
    },
  });
}

export type StepMetrics = ReturnType<typeof createStepMetrics>;
export type RunMetrics = ReturnType<typeof createRunMetrics>;
export type IngressMetrics = ReturnType<typeof createIngressMetrics>;
