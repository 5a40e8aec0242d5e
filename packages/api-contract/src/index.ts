/**
 * The REST contract between web/ and server/: request bodies are zod schemas (the server validates with them, the
 * OpenAPI document is generated from them); responses are types (the server builds them, the web reads them).
 */

import type { FlowDocument, PinnedDataLimits } from '@pipewright/flow';
import { flowDocumentSchema } from '@pipewright/flow';
import { z } from 'zod';
import type { FlowImportProblem } from './flow-files.ts';
import type { N8nImportProblem } from './n8n-import.ts';
import type { FlowPauseView } from './pauses.ts';
import type { FlowRolloutSummary } from './rollouts.ts';
import { nameText } from './text.ts';

export * from './alerts.ts';
export * from './approvals.ts';
export * from './auth.ts';
export * from './contracts.ts';
export * from './credentials.ts';
export * from './draft-tests.ts';
export * from './failures.ts';
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
/** A problem publishing would find, located on a node, an edge or a field when it can be. */
export interface CompileErrorView {
  code: string;
  message: string;
  nodeId?: string;
  edgeId?: string;
  field?: string;
}

/** `POST /flows/:id/check`: every problem publishing this document would find (none: it would publish). */
export interface FlowCheckResponse {
  compileErrors: CompileErrorView[];
}

export interface ApiErrorBody {
  error: {
    code: string;
    message: string;
    /** Field-level problems: `path` is dotted, e.g. `document.nodes.2.id`. */
    issues?: { path: string; message: string }[];
    /** Compile errors located on nodes (publish, draft run). */
    compileErrors?: CompileErrorView[];
  };
}

export interface FlowSummary {
  id: string;
  name: string;
  revision: number;
  latestVersion: number | null;
  updatedAt: string;
  nodeCount: number;
  /** Set while the flow is paused (pauses.ts). */
  paused?: FlowPauseView;
}

export interface FlowDetail extends FlowSummary {
  document: FlowDocument;
  createdAt: string;
  /** Path of the webhook ingress, e.g. `/hooks/3f9c…`; the web prefixes its origin. */
  webhookPath: string;
  /** `whsec_…abcd`: recognises the flow's webhook secret without revealing it; absent until it has one. */
  webhookSecretHint?: string;
  /** A version being rolled out beside `latestVersion` (docs/adr/017). */
  rollout?: FlowRolloutSummary;
  /** How much sample data the draft may pin (`document.pinnedData`), so the editor can say why a pin is refused. */
  pinnedDataLimits?: PinnedDataLimits;
}

/** `POST /flows/:id/webhook-secret/rotate`: the new secret, shown this once. */
export interface WebhookSecretResponse {
  secret: string;
}

/** `GET /flows/:id/schedule`: the live Temporal schedule of a flow whose published trigger is a schedule. */
export interface FlowScheduleView {
  state: 'active' | 'paused' | 'none';
  /** The next (up to) five fire times, ISO. */
  nextRuns: string[];
  overlap: 'skip' | 'bufferOne' | 'allowAll' | 'cancelOther' | null;
  spec: { cron?: string; timezone?: string; intervalSeconds?: number } | null;
  note: string | null;
}

export interface FlowVersionSummary {
  version: number;
  hash: string;
  createdAt: string;
}

export interface FlowVersionDetail extends FlowVersionSummary {
  document: FlowDocument;
  plan: unknown;
}

/**
 * `queued`: accepted and durably recorded, not yet started on Temporal (a burst drains at the engine's pace; while
 * Temporal is unreachable runs wait here).  `stuck`: open, but its workflow task keeps failing (a sandbox error, a
 * non-determinism error), so it makes no progress; `error` says why.  `timed_out`: it passed its run timeout (flow
 * settings → run timeout).
 */
export type RunStatusValue =
  | 'queued'
  | 'running'
  | 'stuck'
  | 'succeeded'
  | 'failed'
  | 'cancelled'
  | 'timed_out'
  | 'terminated';

/** A run in one of these may still change: live views keep watching it. */
export const isOpenRunStatus = (status: RunStatusValue): boolean =>
  status === 'queued' || status === 'running' || status === 'stuck';

export interface RunSummary {
  id: string;
  flowId: string;
  flowName: string;
  /** 0 for a draft run. */
  version: number;
  /** poll: started by a polling trigger; message: by a broker message (RabbitMQ, MQTT, NATS). */
  /** `error`: a flow-level error handler run, started by a failed run of another flow. */
  trigger: 'webhook' | 'manual' | 'schedule' | 'poll' | 'message' | 'error';
  status: RunStatusValue;
  startedAt: string;
  endedAt: string | null;
  durationMs: number | null;
  /** A retry from the failed step of this run (the failed-runs queue). */
  retryOf?: string;
  /** A re-run, on the current version, of this run's trigger data (the failed-runs queue). */
  rerunOf?: string;
}

/** `GET /runs`: a page of runs and the cursor of the next one (null: no more). */
export interface RunsPage {
  items: RunSummary[];
  nextCursor: string | null;
}

export interface RunNodeView {
  /** `waiting`: a Wait node on its timer (`waitingUntil`) or for an event (`waitingFor`, `resumeUrl`). */
  status: 'pending' | 'running' | 'waiting' | 'succeeded' | 'failed' | 'skipped';
  input?: unknown;
  output?: unknown;
  error?: { message: string; details?: unknown };
  attempts: number;
  /** Epoch ms the timer fires. */
  waitingUntil?: number;
  /** The event name waited for (`*`: any resume). */
  waitingFor?: string;
  /** While waiting for an event: the signed link that resumes this node (`POST` with a JSON payload). */
  resumeUrl?: string;
  /** `waiting` because an admin paused the step's connector type or credential: it runs when that is resumed. */
  pausedBy?: { kind: 'connector' | 'credential'; id: string };
  /** Not run: a retry from the failed step reused this output of the run it retries (`retryOf`). */
  reused?: true;
  /** A Loop while it runs. */
  progress?: { done: number; total: number };
  /**
   * A Loop: its first iterations (at most `MAX_RECORDED_ITERATIONS` of the run contract, 20, and 256 KB of JSON
   * together), in item order, each with the state of every body node for that item.  Later ones are not kept.
   */
  iterations?: RunIterationView[];
  /** How long the step waited for its connector's per-workspace rate limit before it ran (ms). */
  rateLimitWaitMs?: number;
  startedAt?: number;
  endedAt?: number;
  /** The node's undo step, run because a later step failed the run (compensation, docs/adr/015). */
  undo?: RunUndoView;
}

/** One undo step of a failed run's compensation: how it ended, with what it was sent and what it returned. */
export interface RunUndoView {
  status: 'running' | 'succeeded' | 'failed';
  attempts: number;
  input?: unknown;
  output?: unknown;
  error?: { message: string; details?: unknown };
  startedAt?: number;
  endedAt?: number;
}

/** One iteration of a Loop in a run: which item (`index`, 0-based), how it ended, and its body nodes. */
export interface RunIterationView {
  index: number;
  status: 'running' | 'succeeded' | 'failed';
  nodes: Record<string, Omit<RunNodeView, 'iterations'>>;
}

export interface RunDetail extends RunSummary {
  nodes: Record<string, RunNodeView>;
  error: { nodeId: string; message: string } | null;
  /** The flow document the run executed (its version's, or the draft's for draft runs). */
  document: FlowDocument | null;
}

/** `POST /flows/:id/nodes/:nodeId/test`: one step run on its own (not listed among the flow's runs). */
export interface StepTestResult {
  status: 'succeeded' | 'failed' | 'timed_out';
  output: unknown;
  error: { message: string; details?: unknown } | null;
  attempts: number;
  durationMs: number | null;
}

export interface StartRunResponse {
  runId: string;
}

/**
 * `POST /runs/:id/resume`: wakes an event Wait with `payload` as its output.  `eventName`: only waits with this name
 * (or none) wake; absent = the first wait.  (`POST /hooks/resume/:token` takes the payload as its whole JSON body.)
 */
export const resumeRunBody = z
  .object({ eventName: z.string().min(1).max(100).optional(), payload: z.unknown().optional() })
  .strict();
export type ResumeRunBody = z.infer<typeof resumeRunBody>;

export interface ResumeRunResponse {
  runId: string;
  /** The resume was delivered to the run (a wait takes it now, or the next matching wait that starts). */
  accepted: true;
}

export interface HealthResponse {
  ok: boolean;
  temporal: { ok: boolean; error?: string };
  mongo: { ok: boolean; error?: string };
}

/** `POST /api/flows/import/n8n` (201): the new draft and what the import could not translate. */
export interface N8nImportResponse {
  flow: FlowDetail;
  report: N8nImportProblem[];
}

/** `POST /api/flows/import` (201): the new draft and what the builder still has to set (credentials, missing flows). */
export interface FlowImportResponse {
  flow: FlowDetail;
  report: FlowImportProblem[];
}
