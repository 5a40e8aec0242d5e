/**
 * The failed-runs queue: failures of runs (one per failed run, written by the worker), grouped by cause
 * (`errorGroup`), and the bulk actions on them — retry from the failed step, re-run on the current version, dismiss.
 */

import { z } from 'zod';

/** At most this many runs per bulk action (a group's action takes its oldest this many). */
export const MAX_FAILURE_ACTION_RUNS = 100;

/** `GET /failures?groupBy=error`: unresolved failures of one cause. */
export const failureGroupViewSchema = z.object({
  errorGroup: z.string(),
  count: z.number(),
  firstSeen: z.string(),
  lastSeen: z.string(),
  /** One failure's message, node and code, as an example of the group. */
  sample: z.object({
    runId: z.string(),
    errorMessage: z.string(),
    errorCode: z.string().exactOptional(),
    nodeId: z.string(),
    nodeTitle: z.string(),
  }),
  /** The flows with unresolved failures of this cause. */
  flowIds: z.array(z.string()),
});
export type FailureGroupView = z.infer<typeof failureGroupViewSchema>;

/** `GET /failures?groupBy=error`: the causes, the most recent first. */
export const failureGroupsResponseSchema = z.object({ groups: z.array(failureGroupViewSchema) });

export const failureResolutionViewSchema = z.object({
  kind: z.enum(['retried', 'rerun', 'dismissed']),
  /** The run a retry or re-run started. */
  runId: z.string().exactOptional(),
  by: z.object({ userId: z.string().nullable(), email: z.string().nullable() }),
  at: z.string(),
});
export type FailureResolutionView = z.infer<typeof failureResolutionViewSchema>;

/** One failed run in the queue. */
export const failureViewSchema = z.object({
  runId: z.string(),
  flowId: z.string(),
  version: z.number(),
  trigger: z.string(),
  startedAt: z.string(),
  failedAt: z.string(),
  nodeId: z.string(),
  nodeType: z.string(),
  nodeTitle: z.string(),
  errorCode: z.string().exactOptional(),
  errorMessage: z.string(),
  errorGroup: z.string(),
  /** Set once a retry, re-run or dismissal took the failure out of the queue. */
  resolution: failureResolutionViewSchema.exactOptional(),
});
export type FailureView = z.infer<typeof failureViewSchema>;

/** `GET /failures?errorGroup=…` (or without a group): a page of unresolved failures, newest first. */
export const failuresPageSchema = z.object({
  items: z.array(failureViewSchema),
  nextCursor: z.string().nullable(),
});
export type FailuresPage = z.infer<typeof failuresPageSchema>;

/** `GET /failures`: the groups with `groupBy=error`, otherwise a page of failures. */
export const failuresListResponseSchema = z.union([failureGroupsResponseSchema, failuresPageSchema]);

const runIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,200}$/, 'must be a run id');
const groupSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be an error group id');

/** `POST /failures/{retry,rerun,dismiss}`: the runs, by id, or a group's (optionally of one flow). */
export const failureActionBody = z
  .object({
    runIds: z.array(runIdSchema).min(1).max(MAX_FAILURE_ACTION_RUNS).optional(),
    errorGroup: groupSchema.optional(),
    flowId: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,100}$/, 'must be a flow id')
      .optional(),
  })
  .strict()
  .refine((body) => (body.runIds === undefined) !== (body.errorGroup === undefined), {
    message: 'give either runIds or errorGroup',
    path: ['runIds'],
  });
export type FailureActionBody = z.infer<typeof failureActionBody>;

/** What happened to each run of a bulk action: the run it started, or why it could not. */
export const failureActionResultSchema = z.discriminatedUnion('ok', [
  z.object({ runId: z.string(), ok: z.literal(true), newRunId: z.string().exactOptional() }),
  z.object({ runId: z.string(), ok: z.literal(false), error: z.string() }),
]);
export type FailureActionResult = z.infer<typeof failureActionResultSchema>;

export const failureActionResponseSchema = z.object({ results: z.array(failureActionResultSchema) });
export type FailureActionResponse = z.infer<typeof failureActionResponseSchema>;
