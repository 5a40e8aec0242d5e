/**
 * Kill switches: a paused flow (its webhooks answer 503 or hold their runs; its schedule and polls stop), and a
 * paused connector type or credential (steps that use it wait, without using up attempts, until it is resumed).
 * `GET /api/pauses` lists everything paused in the workspace.
 */

import { z } from 'zod';

/** Who paused, when, why. */
export const pauseStampSchema = z.object({
  by: z.object({ userId: z.string().nullable(), email: z.string().nullable() }),
  at: z.string(),
  reason: z.string().exactOptional(),
});
export type PauseStamp = z.infer<typeof pauseStampSchema>;

/** `reject`: webhooks answer 503 with Retry-After; `queue`: deliveries are accepted (202) and held until resume. */
export const flowPauseModeSchema = z.enum(['reject', 'queue']);
export type FlowPauseMode = z.infer<typeof flowPauseModeSchema>;

export const flowPauseViewSchema = pauseStampSchema.extend({
  mode: flowPauseModeSchema,
});
export type FlowPauseView = z.infer<typeof flowPauseViewSchema>;

export const pausedFlowViewSchema = flowPauseViewSchema.extend({
  flowId: z.string(),
  flowName: z.string(),
  /** Runs accepted while paused (mode `queue`) waiting for the resume. */
  heldRuns: z.number().int(),
});
export type PausedFlowView = z.infer<typeof pausedFlowViewSchema>;

export const pausedConnectorViewSchema = pauseStampSchema.extend({
  /** The connector type: the step type's prefix (`http` for `http.request`). */
  connector: z.string(),
});
export type PausedConnectorView = z.infer<typeof pausedConnectorViewSchema>;

export const pausedCredentialViewSchema = pauseStampSchema.extend({
  credentialId: z.string(),
  credentialName: z.string(),
  credentialType: z.string(),
});
export type PausedCredentialView = z.infer<typeof pausedCredentialViewSchema>;

/** `GET /api/pauses` (viewer). */
export const pausesViewSchema = z.object({
  flows: z.array(pausedFlowViewSchema),
  connectors: z.array(pausedConnectorViewSchema),
  credentials: z.array(pausedCredentialViewSchema),
});
export type PausesView = z.infer<typeof pausesViewSchema>;

/** `GET|POST|DELETE /api/flows/:id/pause`: the flow's pause (null when it runs) and its held runs. */
export const flowPauseStateSchema = z.object({
  flowId: z.string(),
  paused: flowPauseViewSchema.nullable(),
  heldRuns: z.number().int(),
});
export type FlowPauseState = z.infer<typeof flowPauseStateSchema>;

/** `DELETE /api/flows/:id/pause`: the flow's state after the resume, and how many held runs it released. */
export const flowResumeStateSchema = flowPauseStateSchema.extend({
  /** Held runs moved to the queue, started in the order they were accepted. */
  released: z.number().int(),
});
export type FlowResumeState = z.infer<typeof flowResumeStateSchema>;

const reason = z.string().trim().min(1).max(500);

/** `POST /api/flows/:id/pause` (builder). */
export const pauseFlowBody = z.object({ mode: flowPauseModeSchema, reason: reason.optional() }).strict();
export type PauseFlowBody = z.infer<typeof pauseFlowBody>;

/** `POST /api/pauses/connectors/:connector` and `/api/pauses/credentials/:id` (admin). */
export const pauseStepsBody = z.object({ reason: reason.optional() }).strict();
export type PauseStepsBody = z.infer<typeof pauseStepsBody>;
