import { z } from 'zod';

/**
 * Staged rollout (issue 14, item 2; docs/adr/017): a new version runs a share of new runs beside the current one
 * until it is promoted (it becomes the flow's version) or rolled back (it runs no more).
 */

/** `POST /api/flows/:id/publish` body (optional): `rollout` publishes the draft to `percent` % of new runs. */
export const publishFlowBody = z
  .object({
    rollout: z
      .object({ percent: z.number().int().min(1).max(99) })
      .strict()
      .optional(),
  })
  .strict();
export type PublishFlowBody = z.infer<typeof publishFlowBody>;

/** A flow's rollout as its detail shows it. */
export interface FlowRolloutSummary {
  /** The new version, on `percent` % of new runs. */
  version: number;
  percent: number;
  startedAt: string;
}

/** One version's runs since the rollout started (at most the newest `ROLLOUT_RUNS_COMPARED` of each). */
export interface RolloutVersionStats {
  version: number;
  runs: number;
  succeeded: number;
  failed: number;
  running: number;
  /** succeeded ÷ (succeeded + failed), 0..1; null before any run ended. */
  successRate: number | null;
  /** Start to close of the runs that ended, ms; null before any run ended. */
  p50Ms: number | null;
  p95Ms: number | null;
}

export const ROLLOUT_RUNS_COMPARED = 1_000;

/** `GET /api/flows/:id/rollout`: the rollout in progress, compared, or null. */
export interface RolloutView {
  stable: RolloutVersionStats;
  candidate: RolloutVersionStats;
  percent: number;
  startedAt: string;
  /** The user who started it. */
  startedBy: string;
}

export interface RolloutResponse {
  rollout: RolloutView | null;
}
