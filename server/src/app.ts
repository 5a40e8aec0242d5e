import { existsSync } from 'node:fs';
import path from 'node:path';
import { builtinStepDefinitions } from '@pipewright/builtin-steps';
import { DEFAULT_PINNED_DATA_LIMITS, type PinnedDataLimits } from '@pipewright/flow';
import { builtinConnectorLabel, createFailedRunsGauge, createIngressMetrics, type Registry } from '@pipewright/metrics';
import type { Keyring } from '@pipewright/secrets';
import type { AnyStepDefinition } from '@pipewright/step-sdk';
import type { Tracing } from '@pipewright/tracing';
import type { Client } from '@temporalio/client';
import express from 'express';
import type { Db } from 'mongodb';
import { createAlertsModule, DEFAULT_ALERTS_EVERY_MS, ensureAlertIndexes } from './alerts/alerts.module.ts';
import { ApprovalsRepository } from './approvals/approvals.repository.ts';
import { createApprovalsRouter } from './approvals/approvals.routes.ts';
import { ApprovalsService } from './approvals/approvals.service.ts';
import { createAuthModule, ensureAuthIndexes } from './auth/auth-module.ts';
import { LoginLimiter } from './auth/login-limiter.ts';
import { createCatalogRouter } from './catalog/catalog.routes.ts';
import { CatalogService } from './catalog/catalog.service.ts';
import {
  DEFAULT_FAIRNESS,
  DEFAULT_REQUEST_LIMITS,
  type FairnessSettings,
  type RequestLimits,
  type TrustProxySetting,
} from './config.ts';
import { ContractViolationsRepository } from './contracts/contract-violations.repository.ts';
import { createContractsRouter } from './contracts/contracts.routes.ts';
import { ContractsService } from './contracts/contracts.service.ts';
import { createCredentialsModule } from './credentials/credentials.module.ts';
import { DraftTestsRepository } from './draft-tests/draft-tests.repository.ts';
import { createDraftTestsRouter } from './draft-tests/draft-tests.routes.ts';
import { DraftTestsService } from './draft-tests/draft-tests.service.ts';
import { createErrorHandler, unknownApiRoute } from './errors.ts';
import { FailuresRepository } from './failures/failures.repository.ts';
import { createFailuresRouter } from './failures/failures.routes.ts';
import { FailuresService } from './failures/failures.service.ts';
import { FairnessRepository } from './fairness/fairness.repository.ts';
import { createFairnessRouter } from './fairness/fairness.routes.ts';
import { RunLanes } from './fairness/run-lanes.ts';
import { createWaitingRunsRouter } from './fairness/waiting-runs.routes.ts';
import { type AdmissionSettings, DEFAULT_ADMISSION, WaitingRuns } from './fairness/waiting-runs.ts';
import { createFlowExportRouter } from './flows/flow-export.routes.ts';
import { createFlowImportRouter } from './flows/flow-import.routes.ts';
import { FlowImportService } from './flows/flow-import.service.ts';
import { FlowVersionsRepository } from './flows/flow-versions.repository.ts';
import { FlowsRepository } from './flows/flows.repository.ts';
import { createFlowsRouter } from './flows/flows.routes.ts';
import { FlowsService } from './flows/flows.service.ts';
import { createN8nImportRouter } from './flows/n8n-import.routes.ts';
import { StepTestService } from './flows/step-test.service.ts';
import { createVersionsRouter } from './flows/versions.routes.ts';
import { VersionsService } from './flows/versions.service.ts';
import { createHealthRouter } from './health.routes.ts';
import { createHooksRouter } from './hooks/hooks.routes.ts';
import { IngressContracts } from './hooks/ingress-contracts.ts';
import { TriggersService } from './hooks/triggers.service.ts';
import { WebhookRefusalsRepository } from './hooks/webhook-refusals.repository.ts';
import { jsonBody, requireJsonBody } from './json-limits.ts';
import { buildOpenApiDocument } from './openapi.ts';
import { inProgressReader } from './operations/in-progress.ts';
import { OperationsRepository } from './operations/operations.repository.ts';
import { createOperationsRouter } from './operations/operations.routes.ts';
import { OperationsService } from './operations/operations.service.ts';
import { createPausesRouter } from './pauses/pauses.routes.ts';
import { PausesService } from './pauses/pauses.service.ts';
import { StepPausesRepository } from './pauses/step-pauses.repository.ts';
import { RateLimitsRepository } from './rate-limits/rate-limits.repository.ts';
import { createRateLimitsRouter } from './rate-limits/rate-limits.routes.ts';
import { traceRequests } from './request-spans.ts';
import { type ContractViolation, checkResponsesAgainstContract } from './response-contract.ts';
import { createRolloutsRouter } from './rollouts/rollouts.routes.ts';
import { RolloutsService } from './rollouts/rollouts.service.ts';
import { HeldRunsRepository } from './runs/held-runs.repository.ts';
import { createResumeRouters } from './runs/resume.routes.ts';
import { ResumeLinks } from './runs/resume-links.ts';
import { createRunHistoryRouter } from './runs/run-history.routes.ts';
import { RunsRepository } from './runs/runs.repository.ts';
import { createRunsRouter } from './runs/runs.routes.ts';
import { RunsService } from './runs/runs.service.ts';
import { createTriggerRoutes } from './schedules/schedules.routes.ts';
import { SchedulesService } from './schedules/schedules.service.ts';
import { StepPackageCredentials } from './step-packages/step-package-credentials.ts';
import { StepPackagesRepository } from './step-packages/step-packages.repository.ts';
import { createStepPackagesRouter } from './step-packages/step-packages.routes.ts';
import { StepPackagesService } from './step-packages/step-packages.service.ts';

export interface AppDeps {
  db: Db;
  temporal: Client;
  /** Task queue of the runFlow workflow, and the default for step activities. */
  taskQueue: string;
  /** The built web app (web/dist); served with an index.html fallback when the folder exists. */
  webDistDir?: string;
  publicBaseUrl?: string;
  log?: (message: string, error: unknown) => void;
  /** Master keys for credentials (see @pipewright/secrets `loadKeyring`); without them credential writes answer 503. */
  keyring?: Keyring;
  /** Step types the catalog offers (and whose credential types admins can create); default: every built-in step. */
  steps?: AnyStepDefinition[];
  /** Signs resume links of event Waits (`RESUME_URL_SECRET`); default: a secret generated once and kept in Mongo. */
  resumeUrlSecret?: string;
  /**
   * Which proxies may set X-Forwarded-For / X-Forwarded-Proto (`PIPEWRIGHT_TRUST_PROXY`, config.ts).  Default
   * `false`: the TCP peer is the client and only a direct TLS connection makes the session cookie `Secure`.
   */
  trustProxy?: TrustProxySetting;
  /** JSON nesting limits (`PIPEWRIGHT_MAX_DOCUMENT_DEPTH` / `PIPEWRIGHT_MAX_PAYLOAD_DEPTH`); default 64 / 256. */
  limits?: Partial<RequestLimits>;
  /** How much sample data a draft may pin (`PIPEWRIGHT_MAX_PINNED_BYTES_PER_*`); default 256 KiB per node, 1 MiB per flow. */
  pinnedDataLimits?: Partial<PinnedDataLimits>;
  /**
   * Look for queued runs every second and start them (runs this process queued are started at once anyway): what
   * a server process does, so runs queued by a server that died, or during a Temporal outage, start.  Off in tests
   * that build many apps.
   */
  sweepQueuedRuns?: boolean;
  /** `PIPEWRIGHT_ENGINE_WAIT_MS` (config.ts): a start's deadline before the run is left queued; default 3 s. */
  engineWaitMs?: number;
  /** Where the server's metrics go (webhook deliveries, runs queued); main.ts serves it when asked. */
  metrics?: Registry;
  /** OpenTelemetry (`OTEL_EXPORTER_OTLP_ENDPOINT`, main.ts): a span per request, continued by the runs it starts. */
  tracing?: Tracing;
  /** A connected shared Redis client (`PIPEWRIGHT_REDIS_URL`, @pipewright/shared-redis): sign-in failures are counted there. */
  redis?: unknown;
  /** `PIPEWRIGHT_PAUSED_RETRY_AFTER_SECONDS` (config.ts): Retry-After of a paused flow's 503; default 60. */
  pausedRetryAfterSeconds?: number;
  /**
   * Evaluate alert rules every `alertsEveryMs` (`PIPEWRIGHT_ALERTS_EVERY_MS`, default 30 s) and send their alerts:
   * what a server process does (every server may; a firing is claimed once).  Off in tests that build many apps.
   */
  evaluateAlerts?: boolean;
  alertsEveryMs?: number;
  /**
   * Aborted when the server begins to drain (SIGTERM, main.ts): its readiness check answers 503 so the proxy stops
   * sending to it, and live run streams end (their clients go on through another server).
   */
  draining?: AbortSignal;
  /** Lanes and fair shares (`PIPEWRIGHT_FAIRNESS`, config.ts); default on. */
  fairness?: FairnessSettings;
  /** `PIPEWRIGHT_INSTANCE_ADMINS` (config.ts): who may raise a workspace's weight above an equal share. */
  instanceAdmins?: string[];
  /** Ceilings of runs waiting to start (`PIPEWRIGHT_MAX_WAITING_RUNS_PER_*`, config.ts); defaults DEFAULT_ADMISSION. */
  admission?: AdmissionSettings;
  /** Tests: every JSON answer is checked against its route's response schema in the API contract (response-contract.ts). */
  checkResponses?: (violation: ContractViolation) => void;
}

const defaultLog = (message: string, error: unknown): void => {
  console.error(`[server] ${message}`, error);
};

/** Creates the collections' indexes (idempotent; FerretDB-compatible: plain and unique indexes only). */
export async function ensureIndexes(db: Db): Promise<void> {
  await new FlowsRepository(db).ensureIndexes();
  await new FlowVersionsRepository(db).ensureIndexes();
  await new RunsRepository(db).ensureIndexes();
  await new DraftTestsRepository(db).ensureIndexes();
  await new StepPackagesRepository(db).ensureIndexes();
  await new WebhookRefusalsRepository(db).ensureIndexes();
  await new OperationsRepository(db).ensureIndexes();
  await new FailuresRepository(db).ensureIndexes();
  await new ContractViolationsRepository(db).ensureIndexes();
  await new HeldRunsRepository(db).ensureIndexes();
  await ensureAuthIndexes(db);
  await ensureAlertIndexes(db);
}

/** How each app's background jobs stop (see stopBackgroundJobs). */
const backgroundJobs = new WeakMap<express.Express, () => Promise<void>>();

/**
 * Stops the app's background jobs — queue and resume sweeps, alert evaluation — and waits for a round in flight:
 * call it before closing the database, or a round that starts after would fail on a closed client.
 */
export async function stopBackgroundJobs(app: express.Express): Promise<void> {
  await backgroundJobs.get(app)?.();
}

/** Wires repositories → services → routes into an Express app; does not listen and reads no environment. */
export async function createApp(deps: AppDeps): Promise<express.Express> {
  const log = deps.log ?? defaultLog;
  const limits: RequestLimits = { ...DEFAULT_REQUEST_LIMITS, ...deps.limits };
  await ensureIndexes(deps.db);

  // Every /api route below reads the caller's workspace and role from res.locals.auth (auth/auth-context.ts).
  const auth = createAuthModule(deps.db, deps.redis ? { loginLimiter: new LoginLimiter({ redis: deps.redis }) } : {});
  const flowRecords = new FlowsRepository(deps.db);
  const versions = new FlowVersionsRepository(deps.db);
  const steps = deps.steps ?? builtinStepDefinitions;
  const stepPackages = new StepPackagesService({
    repository: new StepPackagesRepository(deps.db),
    temporal: deps.temporal,
    coreTaskQueue: deps.taskQueue,
    builtinTypes: steps.map((step) => step.type),
  });
  const catalog = new CatalogService({ steps, defaultTaskQueue: deps.taskQueue, packages: stepPackages });
  const flows = new FlowsService({
    flows: flowRecords,
    versions,
    catalog,
    pinnedDataLimits: { ...DEFAULT_PINNED_DATA_LIMITS, ...deps.pinnedDataLimits },
  });
  const resumeLinks = new ResumeLinks({ db: deps.db, publicBaseUrl: deps.publicBaseUrl, secret: deps.resumeUrlSecret });
  const runRecords = new RunsRepository(deps.db);
  const heldRuns = new HeldRunsRepository(deps.db);
  const lanes = new RunLanes({ db: deps.db, ...(deps.fairness ?? DEFAULT_FAIRNESS) });
  const waitingRuns = new WaitingRuns({ db: deps.db, settings: deps.admission ?? DEFAULT_ADMISSION, log });
  const runs = new RunsService({
    runs: runRecords,
    held: heldRuns,
    lanes,
    waiting: waitingRuns,
    versions,
    temporal: deps.temporal,
    taskQueue: deps.taskQueue,
    resumeLinks,
    log,
    ...(deps.engineWaitMs === undefined ? {} : { startDeadlineMs: deps.engineWaitMs }),
  });
  if (deps.sweepQueuedRuns === true) runs.starter.startSweeping();
  const resume = createResumeRouters({
    runs,
    links: resumeLinks,
    temporal: deps.temporal,
    maxPayloadDepth: limits.maxPayloadDepth,
  });
  const triggers = new TriggersService({ flows, flowRecords, catalog, runs, temporal: deps.temporal });
  const schedules = new SchedulesService({ temporal: deps.temporal, taskQueue: deps.taskQueue, flows, lanes });
  flows.setPublishHooks(schedules);
  const versionOps = new VersionsService({ flows, catalog, runs });
  const failureRecords = new FailuresRepository(deps.db);
  failureRecords.counts.backfillOnce().catch((error: unknown) => {
    log('the failed-runs counters could not be built from the stored failures', error);
  });
  const failures = new FailuresService({ failures: failureRecords, runs, flows, audit: auth.audit });
  const stepTests = new StepTestService({ flows, catalog, runs, temporal: deps.temporal });
  const credentials = await createCredentialsModule({
    db: deps.db,
    steps,
    keyring: deps.keyring,
    audit: auth.audit,
    packageTypes: (workspaceId) => stepPackages.credentialTypes(workspaceId),
    publicBaseUrl: deps.publicBaseUrl,
  });
  const packageCredentials = new StepPackageCredentials({
    runs,
    packages: stepPackages,
    credentials: credentials.service,
  });
  const contractViolations = new ContractViolationsRepository(deps.db);
  const contracts = new ContractsService({
    runs: {
      list: (workspaceId, flowId, limit) => runRecords.list(workspaceId, { flowId, limit }),
      get: (workspaceId, runId) => runs.get(workspaceId, runId),
    },
    violations: contractViolations,
    flowName: async (workspaceId, flowId) => (await flows.getRecord(workspaceId, flowId)).name,
  });
  const stepPauses = new StepPausesRepository(deps.db);
  const pauses = new PausesService({
    flows: flowRecords,
    runs,
    held: heldRuns,
    stepPauses,
    temporal: deps.temporal,
    catalog,
    credentials: credentials.service,
    audit: auth.audit,
    log,
  });
  // Resumes a server did not finish (it died midway) are finished by whichever server sweeps.
  if (deps.sweepQueuedRuns === true) pauses.startSweeping();
  const alerts = createAlertsModule({
    waiting: (workspaceId) => waitingRuns.summary(workspaceId),
    db: deps.db,
    temporal: deps.temporal,
    taskQueue: deps.taskQueue,
    audit: auth.audit,
    flowName: async (workspaceId, flowId) => (await flows.getRecord(workspaceId, flowId)).name,
    credentials: (workspaceId) => credentials.service.list(workspaceId),
    publicBaseUrl: deps.publicBaseUrl,
    log,
  });
  if (deps.evaluateAlerts === true) alerts.evaluator.start(deps.alertsEveryMs ?? DEFAULT_ALERTS_EVERY_MS);
  const openApi = buildOpenApiDocument({ publicBaseUrl: deps.publicBaseUrl });

  const app = express();
  app.disable('x-powered-by');
  // req.ip, req.protocol and req.secure (the session cookie's Secure flag) come from X-Forwarded-* only when set.
  app.set('trust proxy', deps.trustProxy ?? false);
  if (deps.tracing) app.use(traceRequests(deps.tracing.tracer));
  if (deps.checkResponses) app.use(checkResponsesAgainstContract(deps.checkResponses));

  const api = express.Router();
  api.use(auth.authenticate);
  api.use(requireJsonBody, jsonBody({ limit: '5mb', maxDepth: limits.maxPayloadDepth }));
  api.use(
    createHealthRouter({ db: deps.db, temporal: deps.temporal, ...(deps.draining ? { draining: deps.draining } : {}) }),
  );
  api.use(auth.router);
  api.use(createStepPackagesRouter({ packages: stepPackages, credentials: packageCredentials, audit: auth.audit }));
  api.use(createCatalogRouter({ catalog }));
  const draftTests = new DraftTestsService({
    flows,
    catalog,
    runs: runRecords,
    tests: new DraftTestsRepository(deps.db),
    temporal: deps.temporal,
    taskQueue: deps.taskQueue,
  });
  api.use(
    createFlowsRouter({ flows, triggers, draftTests, audit: auth.audit, maxDocumentDepth: limits.maxDocumentDepth }),
  );
  api.use(createDraftTestsRouter({ draftTests }));
  api.use(
    createRolloutsRouter({
      flows,
      rollouts: new RolloutsService({ flows, temporal: deps.temporal }),
      audit: auth.audit,
    }),
  );
  api.use(createN8nImportRouter({ flows, maxDocumentDepth: limits.maxDocumentDepth }));
  api.use(createFlowExportRouter({ flows }));
  api.use(
    createFlowImportRouter({
      imports: new FlowImportService({ flows, catalog, maxDocumentDepth: limits.maxDocumentDepth }),
    }),
  );
  api.use(createRunsRouter({ runs, log, ...(deps.draining ? { draining: deps.draining } : {}) }));
  api.use(createRunHistoryRouter({ runs, temporal: deps.temporal }));
  api.use(
    createOperationsRouter({
      operations: new OperationsService({
        repository: new OperationsRepository(deps.db),
        flows: flowRecords,
        openFailures: (workspaceId) => failureRecords.counts.perFlow(workspaceId),
        inProgress: inProgressReader({ temporal: deps.temporal, runs: runRecords }),
        violations: async (workspaceId, flowId, { from, to }) =>
          (await contractViolations.count({ workspaceId, ...(flowId === undefined ? {} : { flowId }), from, to }))
            .total,
        pausedConnectors: async (workspaceId) =>
          (await stepPauses.list(workspaceId))
            .filter((pause) => pause.kind === 'connector')
            .map((pause) => pause.target),
      }),
    }),
  );
  api.use(createFailuresRouter({ failures }));
  api.use(resume.api);
  api.use(
    createApprovalsRouter({
      approvals: new ApprovalsService({
        approvals: new ApprovalsRepository(deps.db),
        temporal: deps.temporal,
        audit: auth.audit,
        flowName: async (workspaceId, flowId) => (await flows.getRecord(workspaceId, flowId)).name,
        requireRun: (workspaceId, runId) => runs.load(workspaceId, runId),
      }),
    }),
  );
  api.use(createTriggerRoutes({ schedules, triggers }));
  api.use(createVersionsRouter({ versions: versionOps, stepTests, audit: auth.audit }));
  api.use(credentials.router);
  api.use(createContractsRouter({ contracts }));
  api.use(createPausesRouter({ pauses }));
  api.use(createRateLimitsRouter({ rateLimits: new RateLimitsRepository(deps.db), audit: auth.audit }));
  api.use(
    createFairnessRouter({
      fairness: new FairnessRepository(deps.db),
      audit: auth.audit,
      instanceAdmins: new Set((deps.instanceAdmins ?? []).map((email) => email.toLowerCase())),
      instanceMaxWaitingRuns: waitingRuns.settings.perWorkspace,
    }),
  );
  api.use(createWaitingRunsRouter({ waiting: waitingRuns, flows: flowRecords }));
  api.use(alerts.router);
  api.get('/openapi.json', (_req, res) => {
    res.json(openApi);
  });
  api.use(unknownApiRoute);
  app.use('/api', api);
  app.use('/hooks/resume', resume.hooks, unknownApiRoute);
  const ingressMetrics = deps.metrics ? createIngressMetrics(deps.metrics, () => runRecords.countQueued()) : undefined;
  if (deps.metrics) {
    // Built-in step types are labelled by connector, any other by `package`: bounded labels, as the workers do.
    const connectorOf = builtinConnectorLabel(builtinStepDefinitions.map((step) => step.type));
    createFailedRunsGauge(deps.metrics, connectorOf, () => failureRecords.counts.perType());
  }
  const hooks = createHooksRouter({
    triggers,
    ...(ingressMetrics ? { metrics: ingressMetrics } : {}),
    contracts: new IngressContracts({ violations: contractViolations, metrics: ingressMetrics, log }),
    refusals: new WebhookRefusalsRepository(deps.db),
    admission: waitingRuns,
    maxPayloadDepth: limits.maxPayloadDepth,
    ...(deps.pausedRetryAfterSeconds === undefined ? {} : { pausedRetryAfterSeconds: deps.pausedRetryAfterSeconds }),
    log,
  });
  app.use('/hooks', hooks, unknownApiRoute);

  if (deps.webDistDir !== undefined && existsSync(path.join(deps.webDistDir, 'index.html'))) {
    const root = path.resolve(deps.webDistDir);
    app.use(express.static(root, { index: false }));
    app.use((req, res, next) => {
      if (req.method !== 'GET' && req.method !== 'HEAD') return next();
      res.sendFile(path.join(root, 'index.html'));
    });
  }

  app.use(createErrorHandler(log));
  backgroundJobs.set(app, async () => {
    runs.starter.stopSweeping();
    pauses.stopSweeping();
    await alerts.evaluator.stop();
    await waitingRuns.close();
  });
  return app;
}
