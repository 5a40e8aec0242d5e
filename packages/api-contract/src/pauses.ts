/**
 * Kill switches: a paused flow (its webhooks answer 503 or hold their runs; its schedule and polls stop), and a
 * paused connector type or credential (steps that use it wait, without using up attempts, until it is resumed).
 * `GET /api/pauses` lists everything paused in the workspace.
 */

import { z } from 'zod';

/** Who paused, when, why. */
export interface PauseStamp {
  by: { userId: string | null; email: string | null };
  at: string;
  reason?: string;
}

/** `reject`: webhooks answer 503 with Retry-After; `queue`: deliveries are accepted (202) and held until resume. */
export type FlowPauseMode = 'reject' | 'queue';

export interface FlowPauseView extends PauseStamp {
  mode: FlowPauseMode;
}

export interface PausedFlowView extends FlowPauseView {
  flowId: string;
  flowName: string;
  /** Runs accepted while paused (mode `queue`) waiting for the resume. */
  heldRuns: number;
}

export interface PausedConnectorView extends PauseStamp {
  /** The connector type: the step type's prefix (`http` for `http.request`). */
  connector: string;
}

export interface PausedCredentialView extends PauseStamp {
  credentialId: string;
  credentialName: string;
  credentialType: string;
}

/** `GET /api/pauses` (viewer). */
export interface PausesView {
  flows: PausedFlowView[];
  connectors: PausedConnectorView[];
  credentials: PausedCredentialView[];
}

/** `GET|POST|DELETE /api/flows/:id/pause`: the flow's pause (null when it runs) and its held runs. */
export interface FlowPauseState {
  flowId: string;
  paused: FlowPauseView | null;
  heldRuns: number;
}

const reason = z.string().trim().min(1).max(500);

/** `POST /api/flows/:id/pause` (builder). */
export const pauseFlowBody = z.object({ mode: z.enum(['reject', 'queue']), reason: reason.optional() }).strict();
export type PauseFlowBody = z.infer<typeof pauseFlowBody>;

/** `POST /api/pauses/connectors/:connector` and `/api/pauses/credentials/:id` (admin). */
export const pauseStepsBody = z.object({ reason: reason.optional() }).strict();
export type PauseStepsBody = z.infer<typeof pauseStepsBody>;
