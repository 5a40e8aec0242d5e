import { type DraftTestReport, MAX_DRAFT_TEST_RUNS } from '@pipewright/run-contract/draft-test';
import { z } from 'zod';

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

/** A draft test: `running` until the worker's workflow ends; `done` with its report, or `failed` with why. */
export interface DraftTestView {
  id: string;
  flowId: string;
  status: 'running' | 'done' | 'failed';
  createdAt: string;
  /** The user who started it. */
  createdBy: string;
  /** The runs it replays, newest first. */
  runIds: string[];
  realCalls: string[];
  /** It tested the draft as saved now (an edit saved since makes it stale). */
  current: boolean;
  report?: DraftTestReport;
  error?: string;
}
