import {
  type DraftTestChange,
  type DraftTestDifference,
  type DraftTestReport,
  type DraftTestRunResult,
  type DraftTestValue,
  type DraftTestVerdict,
  MAX_DRAFT_TEST_RUNS,
} from '@pipewright/run-contract/draft-test';
import { z } from 'zod';
import type { Equal } from './type-equal.ts';

export type {
  DraftTestChange,
  DraftTestDifference,
  DraftTestReport,
  DraftTestRunResult,
  DraftTestValue,
  DraftTestVerdict,
} from '@pipewright/run-contract/draft-test';
export { DEFAULT_DRAFT_TEST_RUNS, MAX_DRAFT_TEST_RUNS } from '@pipewright/run-contract/draft-test';

const nodeIdText = z.string().min(1).max(200);

/**
 * `POST /api/flows/:id/draft-tests` (builder): test the flow's saved draft against past runs.  `runIds`: these runs
 * (of this flow); otherwise the last `count` finished runs of the published version.  `realCalls`: nodes of the draft
 * allowed to call out for real where no recording answers them (added or changed steps).
 */
export const startDraftTestBody = z
  .object({
    count: z.number().int().min(1).max(MAX_DRAFT_TEST_RUNS).optional(),
    runIds: z.array(z.string().min(1).max(200)).min(1).max(MAX_DRAFT_TEST_RUNS).optional(),
    realCalls: z.array(nodeIdText).max(500).optional(),
  })
  .strict();
export type StartDraftTestBody = z.infer<typeof startDraftTestBody>;

// The report is the worker's (run-contract types, no schema there): these schemas describe it for the API, and the
// `Equal` lines stop the build when the two drift apart.

/** A node's state as the report shows it: values cut to `DRAFT_TEST_VALUE_CHARS` of JSON. */
export const draftTestValueSchema = z.object({
  status: z.enum(['pending', 'running', 'waiting', 'succeeded', 'failed', 'skipped']),
  input: z.unknown().exactOptional(),
  output: z.unknown().exactOptional(),
  error: z.string().exactOptional(),
  /** A value was longer than the report keeps: `input`/`output` hold its start as text. */
  truncated: z.literal(true).exactOptional(),
});
const _sameValue: Equal<z.infer<typeof draftTestValueSchema>, DraftTestValue> = true;

/** How a node differs (run-contract's `DraftTestChange` says what each means). */
export const draftTestChangeSchema = z.enum(['output', 'input', 'status', 'added', 'removed', 'not_run']);
const _sameChange: Equal<z.infer<typeof draftTestChangeSchema>, DraftTestChange> = true;

export const draftTestDifferenceSchema = z.object({
  nodeId: z.string(),
  change: draftTestChangeSchema,
  before: draftTestValueSchema.exactOptional(),
  after: draftTestValueSchema.exactOptional(),
});
const _sameDifference: Equal<z.infer<typeof draftTestDifferenceSchema>, DraftTestDifference> = true;

/** A run's verdict (run-contract's `DraftTestVerdict` says what each means). */
export const draftTestVerdictSchema = z.enum([
  'same',
  'differs',
  'now_fails',
  'now_succeeds',
  'incomplete',
  'not_tested',
]);
const _sameVerdict: Equal<z.infer<typeof draftTestVerdictSchema>, DraftTestVerdict> = true;

/** How a run ended (the engine's three outcomes, not the API's run statuses). */
const engineRunStatusSchema = z.enum(['running', 'succeeded', 'failed']);

export const draftTestRunResultSchema = z.object({
  runId: z.string(),
  version: z.number(),
  verdict: draftTestVerdictSchema,
  /** How the run ended when it ran. */
  before: engineRunStatusSchema.exactOptional(),
  /** How the draft ends on its data. */
  after: engineRunStatusSchema.exactOptional(),
  /** The draft's failure, when it fails. */
  error: z.object({ nodeId: z.string(), message: z.string() }).exactOptional(),
  differences: z.array(draftTestDifferenceSchema),
  note: z.string().exactOptional(),
});
const _sameRunResult: Equal<z.infer<typeof draftTestRunResultSchema>, DraftTestRunResult> = true;

export const draftTestReportSchema = z.object({
  runs: z.array(draftTestRunResultSchema),
  counts: z.record(draftTestVerdictSchema, z.number()),
  /** No run that succeeded would now fail (what a flow's "publish requires a passing test" setting asks). */
  passed: z.boolean(),
  /** Real calls made (nodes allowed to call out that had to). */
  realCalls: z.number(),
});
const _sameReport: Equal<z.infer<typeof draftTestReportSchema>, DraftTestReport> = true;

/** A draft test: `running` until the worker's workflow ends; `done` with its report, or `failed` with why. */
export const draftTestViewSchema = z.object({
  id: z.string(),
  flowId: z.string(),
  status: z.enum(['running', 'done', 'failed']),
  createdAt: z.string(),
  /** The user who started it. */
  createdBy: z.string(),
  /** The runs it replays, newest first. */
  runIds: z.array(z.string()),
  realCalls: z.array(z.string()),
  /** It tested the draft as saved now (an edit saved since makes it stale). */
  current: z.boolean(),
  report: draftTestReportSchema.exactOptional(),
  error: z.string().exactOptional(),
});
export type DraftTestView = z.infer<typeof draftTestViewSchema>;

/** `GET /api/flows/:id/draft-tests`: the newest 20. */
export const draftTestsResponseSchema = z.object({ items: z.array(draftTestViewSchema) });
