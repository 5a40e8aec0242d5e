/**
 * The REST contract between web/ and server/: request bodies are zod schemas (the server validates with them, the
 * OpenAPI document is generated from them); responses are types (the server builds them, the web reads them).
 */

import type { PinnedDataLimits } from '@pipewright/flow';
import { flowDocumentSchema } from '@pipewright/flow';
import { z } from 'zod';
import { flowImportProblemSchema } from './flow-files.ts';
import { n8nImportProblemSchema } from './n8n-import.ts';
import { flowPauseViewSchema } from './pauses.ts';
import { flowRolloutSummarySchema } from './rollouts.ts';
import { nameText } from './text.ts';
import type { Equal } from './type-equal.ts';

export * from './alerts.ts';
export * from './approvals.ts';
export * from './auth.ts';
export * from './catalog.ts';
export * from './contracts.ts';
export * from './credentials.ts';
export * from './draft-tests.ts';
export * from './failures.ts';
export * from './fairness.ts';
export * from './flow-diff.ts';
export * from './flow-files.ts';
export * from './n8n-import.ts';
export * from './pauses.ts';
export * from './rate-limits.ts';
export * from './rollouts.ts';
export * from './run-history.ts';
export * from './step-packages.ts';
export * from './text.ts';

// ---- requests ----
export const createFlowBody = z
  .object({
    name: nameText(200),
    document: flowDocumentSchema.optional(),
  })
  .strict();

export const updateFlowBody = z
  .object({
    name: nameText(200).optional(),
    document: flowDocumentSchema.optional(),
    /** The draft revision this save is based on; a stale one is refused with 409. */
    revision: z.number().int().min(0),
  })
  .strict();

export const manualRunBody = z
  .object({
    /** The test payload the manual/webhook trigger outputs. */
    payload: z.unknown().optional(),
    /** `draft` (default) compiles the current draft; `published` runs the latest published version. */
    source: z.enum(['draft', 'published']).default('draft'),
  })
  .strict();

export const testStepBody = z
  .object({
    /** The step's config with every `{{ }}` already evaluated against sample data (the editor does this). */
    input: z.record(z.string(), z.unknown()),
  })
  .strict();

export type CreateFlowBody = z.infer<typeof createFlowBody>;
export type TestStepBody = z.infer<typeof testStepBody>;
export type UpdateFlowBody = z.infer<typeof updateFlowBody>;
export type ManualRunBody = z.input<typeof manualRunBody>;

/** `POST /flows/:id/check`: the editor's document as it is now (not stored), checked as publishing would. */
export const checkFlowBody = z.object({ document: flowDocumentSchema }).strict();

// ---- responses ----
// Each response is a zod schema (the OpenAPI document renders it; server tests check real answers against it) and a
// type inferred from it (what the server builds and the web reads).

/** A problem publishing would find, located on a node, an edge or a field when it can be. */
export const compileErrorViewSchema = z
  .object({
    code: z.string(),
    message: z.string(),
    nodeId: z.string().exactOptional(),
    edgeId: z.string().exactOptional(),
    field: z.string().exactOptional(),
  })
  .meta({ id: 'CompileError' });
export type CompileErrorView = z.infer<typeof compileErrorViewSchema>;

/** `POST /flows/:id/check`: every problem publishing this document would find (none: it would publish). */
export const flowCheckResponseSchema = z.object({ compileErrors: z.array(compileErrorViewSchema) });
export type FlowCheckResponse = z.infer<typeof flowCheckResponseSchema>;

export const apiErrorBodySchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    /** Field-level problems: `path` is dotted, e.g. `document.nodes.2.id`. */
    issues: z.array(z.object({ path: z.string(), message: z.string() })).exactOptional(),
    /** Compile errors located on nodes (publish, draft run). */
    compileErrors: z.array(compileErrorViewSchema).exactOptional(),
  }),
});
export type ApiErrorBody = z.infer<typeof apiErrorBodySchema>;

export const flowSummarySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    revision: z.number().int(),
    latestVersion: z.number().int().nullable(),
    updatedAt: z.string(),
    nodeCount: z.number().int(),
    /** Set while the flow is paused (pauses.ts). */
    paused: flowPauseViewSchema.exactOptional(),
  })
  .meta({ id: 'FlowSummary' });
export type FlowSummary = z.infer<typeof flowSummarySchema>;

export const flowListResponseSchema = z.object({ items: z.array(flowSummarySchema) });

const pinnedDataLimitsSchema = z.object({ maxBytesPerNode: z.number(), maxBytesPerFlow: z.number() });
const _pinnedDataLimitsMatch: Equal<z.infer<typeof pinnedDataLimitsSchema>, PinnedDataLimits> = true;

export const flowDetailSchema = flowSummarySchema
  .extend({
    document: flowDocumentSchema,
    createdAt: z.string(),
    /** Path of the webhook ingress, e.g. `/hooks/3f9c…`; the web prefixes its origin. */
    webhookPath: z.string(),
    /** `whsec_…abcd`: recognises the flow's webhook secret without revealing it; absent until it has one. */
    webhookSecretHint: z.string().exactOptional(),
    /** A version being rolled out beside `latestVersion` (docs/adr/017). */
    rollout: flowRolloutSummarySchema.exactOptional(),
    /** How much sample data the draft may pin (`document.pinnedData`), so the editor can say why a pin is refused. */
    pinnedDataLimits: pinnedDataLimitsSchema.exactOptional(),
  })
  .meta({ id: 'FlowDetail' });
export type FlowDetail = z.infer<typeof flowDetailSchema>;

/** `POST /flows/:id/webhook-secret/rotate`: the new secret, shown this once. */
export const webhookSecretResponseSchema = z.object({ secret: z.string() });
export type WebhookSecretResponse = z.infer<typeof webhookSecretResponseSchema>;

/** `GET /flows/:id/schedule`: the live Temporal schedule of a flow whose published trigger is a schedule. */
export const flowScheduleViewSchema = z.object({
  state: z.enum(['active', 'paused', 'none']),
  /** The next (up to) five fire times, ISO. */
  nextRuns: z.array(z.string()),
  overlap: z.enum(['skip', 'bufferOne', 'allowAll', 'cancelOther']).nullable(),
  spec: z
    .object({
      cron: z.string().exactOptional(),
      timezone: z.string().exactOptional(),
      intervalSeconds: z.number().exactOptional(),
    })
    .nullable(),
  note: z.string().nullable(),
});
export type FlowScheduleView = z.infer<typeof flowScheduleViewSchema>;

export const flowVersionSummarySchema = z
  .object({
    version: z.number().int(),
    hash: z.string(),
    createdAt: z.string(),
  })
  .meta({ id: 'FlowVersionSummary' });
export type FlowVersionSummary = z.infer<typeof flowVersionSummarySchema>;

/** `GET /flows/:id/versions`: newest first. */
export const flowVersionListSchema = z.object({ items: z.array(flowVersionSummarySchema) });

export const flowVersionDetailSchema = flowVersionSummarySchema.extend({
  document: flowDocumentSchema,
  plan: z.unknown(),
});
export type FlowVersionDetail = z.infer<typeof flowVersionDetailSchema>;

/**
 * `queued`: accepted and durably recorded, not yet started on Temporal (a burst drains at the engine's pace; while
 * Temporal is unreachable runs wait here).  `stuck`: open, but its workflow task keeps failing (a sandbox error, a
 * non-determinism error), so it makes no progress; `error` says why.  `timed_out`: it passed its run timeout (flow
 * settings → run timeout).
 */
export const runStatusSchema = z.enum([
  'queued',
  'running',
  'stuck',
  'succeeded',
  'failed',
  'cancelled',
  'timed_out',
  'terminated',
]);
export type RunStatusValue = z.infer<typeof runStatusSchema>;

/** A run in one of these may still change: live views keep watching it. */
export const isOpenRunStatus = (status: RunStatusValue): boolean =>
  status === 'queued' || status === 'running' || status === 'stuck';

export const runSummarySchema = z
  .object({
    id: z.string(),
    flowId: z.string(),
    flowName: z.string(),
    /** 0 for a draft run. */
    version: z.number().int(),
    /**
     * poll: started by a polling trigger; message: by a broker message (RabbitMQ, MQTT, NATS); `error`: a flow-level
     * error handler run, started by a failed run of another flow.
     */
    trigger: z.enum(['webhook', 'manual', 'schedule', 'poll', 'message', 'error']),
    status: runStatusSchema,
    startedAt: z.string(),
    endedAt: z.string().nullable(),
    durationMs: z.number().nullable(),
    /** A retry from the failed step of this run (the failed-runs queue). */
    retryOf: z.string().exactOptional(),
    /** A re-run, on the current version, of this run's trigger data (the failed-runs queue). */
    rerunOf: z.string().exactOptional(),
  })
  .meta({ id: 'RunSummary' });
export type RunSummary = z.infer<typeof runSummarySchema>;

/** `GET /runs`: a page of runs and the cursor of the next one (null: no more). */
export const runsPageSchema = z.object({ items: z.array(runSummarySchema), nextCursor: z.string().nullable() });
export type RunsPage = z.infer<typeof runsPageSchema>;

const stepErrorSchema = z.object({ message: z.string(), details: z.unknown().exactOptional() });

/** One undo step of a failed run's compensation: how it ended, with what it was sent and what it returned. */
export const runUndoViewSchema = z.object({
  status: z.enum(['running', 'succeeded', 'failed']),
  attempts: z.number().int(),
  input: z.unknown().exactOptional(),
  output: z.unknown().exactOptional(),
  error: stepErrorSchema.exactOptional(),
  startedAt: z.number().exactOptional(),
  endedAt: z.number().exactOptional(),
});
export type RunUndoView = z.infer<typeof runUndoViewSchema>;

/** A node's state in a run, without a Loop's recorded iterations (what each iteration holds per body node). */
const runNodeStateSchema = z.object({
  /** `waiting`: a Wait node on its timer (`waitingUntil`) or for an event (`waitingFor`, `resumeUrl`). */
  status: z.enum(['pending', 'running', 'waiting', 'succeeded', 'failed', 'skipped']),
  input: z.unknown().exactOptional(),
  output: z.unknown().exactOptional(),
  error: stepErrorSchema.exactOptional(),
  attempts: z.number().int(),
  /** Epoch ms the timer fires. */
  waitingUntil: z.number().exactOptional(),
  /** The event name waited for (`*`: any resume). */
  waitingFor: z.string().exactOptional(),
  /** While waiting for an event: the signed link that resumes this node (`POST` with a JSON payload). */
  resumeUrl: z.string().exactOptional(),
  /** `waiting` because an admin paused the step's connector type or credential: it runs when that is resumed. */
  pausedBy: z.object({ kind: z.enum(['connector', 'credential']), id: z.string() }).exactOptional(),
  /** Not run: a retry from the failed step reused this output of the run it retries (`retryOf`). */
  reused: z.literal(true).exactOptional(),
  /** A Loop while it runs. */
  progress: z.object({ done: z.number().int(), total: z.number().int() }).exactOptional(),
  /** How long the step waited for its connector's per-workspace rate limit before it ran (ms). */
  rateLimitWaitMs: z.number().exactOptional(),
  startedAt: z.number().exactOptional(),
  endedAt: z.number().exactOptional(),
  /** The node's undo step, run because a later step failed the run (compensation, docs/adr/015). */
  undo: runUndoViewSchema.exactOptional(),
});

/** One iteration of a Loop in a run: which item (`index`, 0-based), how it ended, and its body nodes. */
export const runIterationViewSchema = z.object({
  index: z.number().int(),
  status: z.enum(['running', 'succeeded', 'failed']),
  nodes: z.record(z.string(), runNodeStateSchema),
});
export type RunIterationView = z.infer<typeof runIterationViewSchema>;

export const runNodeViewSchema = runNodeStateSchema
  .extend({
    /**
     * A Loop: its first iterations (at most `MAX_RECORDED_ITERATIONS` of the run contract, 20, and 256 KB of JSON
     * together), in item order, each with the state of every body node for that item.  Later ones are not kept.
     */
    iterations: z.array(runIterationViewSchema).exactOptional(),
  })
  .meta({ id: 'RunNodeView' });
export type RunNodeView = z.infer<typeof runNodeViewSchema>;

export const runDetailSchema = runSummarySchema
  .extend({
    nodes: z.record(z.string(), runNodeViewSchema),
    error: z.object({ nodeId: z.string(), message: z.string() }).nullable(),
    /** The flow document the run executed (its version's, or the draft's for draft runs). */
    document: flowDocumentSchema.nullable(),
  })
  .meta({ id: 'RunDetail' });
export type RunDetail = z.infer<typeof runDetailSchema>;

/** `POST /flows/:id/nodes/:nodeId/test`: one step run on its own (not listed among the flow's runs). */
export const stepTestResultSchema = z.object({
  status: z.enum(['succeeded', 'failed', 'timed_out']),
  output: z.unknown(),
  error: stepErrorSchema.nullable(),
  attempts: z.number().int(),
  durationMs: z.number().nullable(),
});
export type StepTestResult = z.infer<typeof stepTestResultSchema>;

export const startRunResponseSchema = z.object({ runId: z.string() }).meta({ id: 'StartRunResponse' });
export type StartRunResponse = z.infer<typeof startRunResponseSchema>;

/** A webhook's 202: the run, and `running` when `waitForRun` timed out or `held` while the flow is paused (queue). */
export const webhookAcceptedSchema = startRunResponseSchema.extend({
  status: z.enum(['running', 'held']).exactOptional(),
});

/**
 * `POST /runs/:id/resume`: wakes an event Wait with `payload` as its output.  `eventName`: only waits with this name
 * (or none) wake; absent = the first wait.  (`POST /hooks/resume/:token` takes the payload as its whole JSON body.)
 */
export const resumeRunBody = z
  .object({ eventName: z.string().min(1).max(100).optional(), payload: z.unknown().optional() })
  .strict();
export type ResumeRunBody = z.infer<typeof resumeRunBody>;

export const resumeRunResponseSchema = z.object({
  runId: z.string(),
  /** The resume was delivered to the run (a wait takes it now, or the next matching wait that starts). */
  accepted: z.literal(true),
});
export type ResumeRunResponse = z.infer<typeof resumeRunResponseSchema>;

const dependencyHealthSchema = z.object({ ok: z.boolean(), error: z.string().exactOptional() });
export const healthResponseSchema = z.object({
  ok: z.boolean(),
  temporal: dependencyHealthSchema,
  mongo: dependencyHealthSchema,
});
export type HealthResponse = z.infer<typeof healthResponseSchema>;

/** `GET /api/health/ready`: whether this server takes requests (a load balancer's check); 503 once it drains. */
export const readinessResponseSchema = z.object({
  ready: z.boolean(),
  reason: z.literal('draining').exactOptional(),
});
export type ReadinessResponse = z.infer<typeof readinessResponseSchema>;

/** `POST /api/flows/import/n8n` (201): the new draft and what the import could not translate. */
export const n8nImportResponseSchema = z.object({ flow: flowDetailSchema, report: z.array(n8nImportProblemSchema) });
export type N8nImportResponse = z.infer<typeof n8nImportResponseSchema>;

/** `POST /api/flows/import` (201): the new draft and what the builder still has to set (credentials, missing flows). */
export const flowImportResponseSchema = z.object({ flow: flowDetailSchema, report: z.array(flowImportProblemSchema) });
export type FlowImportResponse = z.infer<typeof flowImportResponseSchema>;
export type { Equal } from './type-equal.ts';
