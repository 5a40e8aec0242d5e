import { z } from 'zod';

/**
 * `GET /api/operations/health`: the health dashboards' data.  The types are `@pipewright/operations`' (`HealthResponse`
 * and the rest, built by its pure `buildHealth`); these schemas describe them for the OpenAPI document and the server
 * tests, and the server pins them to those types in both directions (server/src/operations/operations.routes.ts).
 * api-contract may not import that package (README), so the pin lives where both are visible.
 */

export const healthWindowSchema = z.enum(['1h', '24h', '7d']);

export const healthSeriesPointSchema = z.object({
  /** Slot start, epoch ms. */
  at: z.number(),
  succeeded: z.number().int(),
  failed: z.number().int(),
});

export const healthRunStatsSchema = z.object({
  runs: z.number().int(),
  succeeded: z.number().int(),
  failed: z.number().int(),
  /** succeeded / finished runs; null without runs. */
  successRate: z.number().nullable(),
  p50Ms: z.number().nullable(),
  p95Ms: z.number().nullable(),
  runsPerMinute: z.number(),
  retries: z.number().int(),
  tooManyRequests: z.number().int(),
  rateLimitWaits: z.number().int(),
  rateLimitWaitMs: z.number(),
  /** Mean lag from the run's start (standing in for the trigger event) to its last step's end; null without data. */
  freshnessMs: z.number().nullable(),
});

export const healthStatsSchema = healthRunStatsSchema.extend({
  /** Failed runs not yet retried, re-run or dismissed (`run_failures` without `resolution`), whatever their age. */
  dlqBacklog: z.number().int(),
});

export const healthStepStatsSchema = z.object({
  executions: z.number().int(),
  attempts: z.number().int(),
  retries: z.number().int(),
  failures: z.number().int(),
  p50Ms: z.number().nullable(),
  p95Ms: z.number().nullable(),
  tooManyRequests: z.number().int(),
  rateLimitWaits: z.number().int(),
  rateLimitWaitMs: z.number(),
});

/** The step that holds a flow back most: the one with most failures, else the highest p95. */
export const healthConstraintSchema = z.object({
  nodeId: z.string(),
  title: z.string(),
  stepType: z.string(),
  failures: z.number().int(),
  p95Ms: z.number().nullable(),
  why: z.enum(['failures', 'p95']),
});

export const stepHealthSchema = healthStepStatsSchema.extend({
  nodeId: z.string(),
  title: z.string(),
  stepType: z.string(),
  connector: z.string(),
});

export const flowHealthSchema = healthStatsSchema.extend({
  flowId: z.string(),
  /** null: the flow was deleted. */
  name: z.string().nullable(),
  constraint: healthConstraintSchema.nullable(),
  steps: z.array(stepHealthSchema),
});

export const connectorHealthSchema = healthStepStatsSchema.extend({
  connector: z.string(),
});

/** `GET /api/operations/health`: a workspace's health over a window, per flow and per connector type. */
export const operationsHealthResponseSchema = z.object({
  window: healthWindowSchema,
  /** ISO times: start of the oldest slot, end of the newest (the current one, partial). */
  from: z.string(),
  to: z.string(),
  /** Length of one series point (1 min for 1 h, 1 h for 24 h and 7 d). */
  slotMs: z.number().int(),
  scope: z.object({ flowId: z.string().nullable(), connector: z.string().nullable() }),
  /** The whole scope: every flow, or the one asked for. */
  totals: healthStatsSchema,
  series: z.array(healthSeriesPointSchema),
  flows: z.array(flowHealthSchema),
  connectors: z.array(connectorHealthSchema),
  /** Deliveries that broke their webhook's schema in the window. */
  contractViolations: z.number().int(),
  /** Paused flows (ids) and connector types. */
  paused: z.object({ flows: z.array(z.string()), connectors: z.array(z.string()) }),
  /**
   * Runs of the scope not finished now (the rollups count a run when it ends): running on Temporal (null when it
   * could not be asked) and waiting in the run queue.
   */
  inProgress: z.object({ running: z.number().int().nullable(), queued: z.number().int() }),
});
