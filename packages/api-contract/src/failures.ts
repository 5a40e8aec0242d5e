/**
 * The failed-runs queue: failures of runs (one per failed run, written by the worker), grouped by cause
 * (`errorGroup`), and the bulk actions on them — retry from the failed step, re-run on the current version, dismiss.
 */

import { z } from 'zod';

/** At most this many runs per bulk action (a group's action takes its oldest this many). */
export const MAX_FAILURE_ACTION_RUNS = 100;

/** `GET /failures?groupBy=error`: unresolved failures of one cause. */
export interface FailureGroupView {
  errorGroup: string;
  count: number;
  firstSeen: string;
  lastSeen: string;
  /** One failure's message, node and code, as an example of the group. */
  sample: { runId: string; errorMessage: string; errorCode?: string; nodeId: string; nodeTitle: string };
  /** The flows with unresolved failures of this cause. */
  flowIds: string[];
}

/** One failed run in the queue. */
export interface FailureView {
  runId: string;
  flowId: string;
  version: number;
  trigger: string;
  startedAt: string;
  failedAt: string;
  nodeId: string;
  nodeType: string;
  nodeTitle: string;
  errorCode?: string;
  errorMessage: string;
  errorGroup: string;
  /** Set once a retry, re-run or dismissal took the failure out of the queue. */
  resolution?: FailureResolutionView;
}

export interface FailureResolutionView {
  kind: 'retried' | 'rerun' | 'dismissed';
  /** The run a retry or re-run started. */
  runId?: string;
  by: { userId: string | null; email: string | null };
  at: string;
}

/** `GET /failures?errorGroup=…` (or without a group): a page of unresolved failures, newest first. */
export interface FailuresPage {
  items: FailureView[];
  nextCursor: string | null;
}

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
export type FailureActionResult =
  | { runId: string; ok: true; newRunId?: string }
  | { runId: string; ok: false; error: string };

export interface FailureActionResponse {
  results: FailureActionResult[];
}
