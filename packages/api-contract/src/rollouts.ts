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
export const flowRolloutSummarySchema = z.object({
  /** The new version, on `percent` % of new runs. */
  version: z.number().int(),
  percent: z.number().int(),
  startedAt: z.string(),
});
export type FlowRolloutSummary = z.infer<typeof flowRolloutSummarySchema>;

/** One version's runs since the rollout started (at most the newest `ROLLOUT_RUNS_COMPARED` of each). */
export const rolloutVersionStatsSchema = z.object({
  version: z.number().int(),
  runs: z.number().int(),
  succeeded: z.number().int(),
  failed: z.number().int(),
  running: z.number().int(),
  /** succeeded ÷ (succeeded + failed), 0..1; null before any run ended. */
  successRate: z.number().nullable(),
  /** Start to close of the runs that ended, ms; null before any run ended. */
  p50Ms: z.number().nullable(),
  p95Ms: z.number().nullable(),
});
export type RolloutVersionStats = z.infer<typeof rolloutVersionStatsSchema>;

export const ROLLOUT_RUNS_COMPARED = 1_000;

/** `GET /api/flows/:id/rollout`: the rollout in progress, compared, or null. */
export const rolloutViewSchema = z.object({
  stable: rolloutVersionStatsSchema,
  candidate: rolloutVersionStatsSchema,
  percent: z.number().int(),
  startedAt: z.string(),
  /** The user who started it. */
  startedBy: z.string(),
});
export type RolloutView = z.infer<typeof rolloutViewSchema>;

export const rolloutResponseSchema = z.object({
  rollout: rolloutViewSchema.nullable(),
});
export type RolloutResponse = z.infer<typeof rolloutResponseSchema>;

/** `POST /api/flows/:id/rollout/rollback`: the version that runs no more. */
export const rolloutRollbackResponseSchema = z.object({
  version: z.number().int(),
});
export type RolloutRollbackResponse = z.infer<typeof rolloutRollbackResponseSchema>;
