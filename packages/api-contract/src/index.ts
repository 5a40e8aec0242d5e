/**
 * The REST contract between web/ and server/: request bodies are zod schemas (the server validates with them, the
 * OpenAPI document is generated from them); responses are types (the server builds them, the web reads them).
 */

import type { FlowDocument } from '@pipewright/flow';
import { flowDocumentSchema } from '@pipewright/flow';
import { z } from 'zod';

// ---- requests ----
export const createFlowBody = z
  .object({
    name: z.string().trim().min(1, 'is required').max(200),
    document: flowDocumentSchema.optional(),
  })
  .strict();

export const updateFlowBody = z
  .object({
    name: z.string().trim().min(1, 'is required').max(200).optional(),
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

export type CreateFlowBody = z.infer<typeof createFlowBody>;
export type UpdateFlowBody = z.infer<typeof updateFlowBody>;
export type ManualRunBody = z.input<typeof manualRunBody>;

// ---- responses ----
export interface ApiErrorBody {
  error: {
    code: string;
    message: string;
    /** Field-level problems: `path` is dotted, e.g. `document.nodes.2.id`. */
    issues?: { path: string; message: string }[];
    /** Compile errors located on nodes (publish, draft run). */
    compileErrors?: {
      code: string;
      message: string;
      nodeId?: string;
      edgeId?: string;
      field?: string;
    }[];
  };
}

export interface FlowSummary {
  id: string;
  name: string;
  revision: number;
  latestVersion: number | null;
  updatedAt: string;
  nodeCount: number;
}

export interface FlowDetail extends FlowSummary {
  document: FlowDocument;
  createdAt: string;
  /** Path of the webhook ingress, e.g. `/hooks/3f9c…`; the web prefixes its origin. */
  webhookPath: string;
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

export type RunStatusValue = 'running' | 'succeeded' | 'failed' | 'cancelled' | 'timed_out' | 'terminated';

export interface RunSummary {
  id: string;
  flowId: string;
  flowName: string;
  /** 0 for a draft run. */
  version: number;
  trigger: 'webhook' | 'manual';
  status: RunStatusValue;
  startedAt: string;
  endedAt: string | null;
  durationMs: number | null;
}

export interface RunNodeView {
  status: 'pending' | 'running' | 'succeeded' | 'failed' | 'skipped';
  input?: unknown;
  output?: unknown;
  error?: { message: string; details?: unknown };
  attempts: number;
  startedAt?: number;
  endedAt?: number;
}

export interface RunDetail extends RunSummary {
  nodes: Record<string, RunNodeView>;
  error: { nodeId: string; message: string } | null;
  /** The flow document the run executed (its version's, or the draft's for draft runs). */
  document: FlowDocument | null;
}

export interface StartRunResponse {
  runId: string;
}

export interface HealthResponse {
  ok: boolean;
  temporal: { ok: boolean; error?: string };
  mongo: { ok: boolean; error?: string };
}
