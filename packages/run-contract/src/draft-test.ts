import type { ExecutionPlan } from './plan.ts';
import type { NodeStatus, RunStatus } from './run-state.ts';

/**
 * "Test against recent runs" (issue 14, item 1; docs/adr/016): the worker's `testDraft` workflow runs a draft's plan
 * on the trigger data of past runs, every I/O step, Wait and Sub-flow answered by what that run recorded, and says
 * per run what would change.  The server picks the runs and starts the workflow; it runs no flow code.
 */
export const TEST_DRAFT_WORKFLOW = 'testDraft';

/** Runs one test may replay: each is loaded and re-interpreted inside one workflow. */
export const MAX_DRAFT_TEST_RUNS = 50;
export const DEFAULT_DRAFT_TEST_RUNS = 20;

export interface DraftTestInput {
  /** The draft's plan, compiled by the server as for a draft run. */
  plan: ExecutionPlan;
  workspaceId: string;
  runs: DraftTestRunInput[];
  /** Nodes that may call out for real when there is no recording to answer them (added or changed I/O steps). */
  realCalls: string[];
}

export interface DraftTestRunInput {
  runId: string;
  version: number;
  /** The trigger node of the run's version: its recorded output is the trigger data the draft runs on. */
  triggerNodeId: string;
  /**
   * Nodes of the draft that are new or differ from the run's version (type, type version or config): their
   * recordings are not the draft's answers, so they run for real when allowed, and are reported as not run otherwise.
   */
  changed: string[];
}

/** A node's state as the report shows it: values cut to `DRAFT_TEST_VALUE_CHARS` of JSON. */
export interface DraftTestValue {
  status: NodeStatus;
  input?: unknown;
  output?: unknown;
  error?: string;
  /** A value was longer than the report keeps: `input`/`output` hold its start as text. */
  truncated?: true;
}

export const DRAFT_TEST_VALUE_CHARS = 2_000;

/**
 * How a node differs: `output`/`input` (what it gave, or would send, differs), `status` (it now fails, succeeds, or
 * is skipped — another branch), `added`/`removed` (not in the run's version / not in the draft), `not_run` (its
 * recording does not answer the draft and real calls are not allowed for it).
 */
export type DraftTestChange = 'output' | 'input' | 'status' | 'added' | 'removed' | 'not_run';

export interface DraftTestDifference {
  nodeId: string;
  change: DraftTestChange;
  before?: DraftTestValue;
  after?: DraftTestValue;
}

/**
 * A run's verdict: `same` (no node differs), `differs`, `now_fails` (succeeded, would now fail), `now_succeeds`,
 * `incomplete` (a node could not run without a real call), `not_tested` (the run could not be loaded, or is still
 * running: `note` says).
 */
export type DraftTestVerdict = 'same' | 'differs' | 'now_fails' | 'now_succeeds' | 'incomplete' | 'not_tested';

export interface DraftTestRunResult {
  runId: string;
  version: number;
  verdict: DraftTestVerdict;
  /** How the run ended when it ran. */
  before?: RunStatus;
  /** How the draft ends on its data. */
  after?: RunStatus;
  /** The draft's failure, when it fails. */
  error?: { nodeId: string; message: string };
  differences: DraftTestDifference[];
  note?: string;
}

/** One run's test, a child of `testDraft` (its own history holds the run's recorded state). */
export const TEST_DRAFT_RUN_WORKFLOW = 'testDraftRun';

export interface DraftTestRunRequest {
  plan: ExecutionPlan;
  workspaceId: string;
  run: DraftTestRunInput;
  realCalls: string[];
}

/** A child's answer: the run's result, and how many real calls it made. */
export interface DraftTestRunAnswer {
  result: DraftTestRunResult;
  realCalls: number;
}

/** The error `details` of a node a draft test did not run: no recording answers it, and real calls are not allowed. */
export const NOT_RUN_IN_DRAFT_TEST = 'not_run_in_draft_test';

export interface DraftTestReport {
  runs: DraftTestRunResult[];
  counts: Record<DraftTestVerdict, number>;
  /** No run that succeeded would now fail (what a flow's "publish requires a passing test" setting asks). */
  passed: boolean;
  /** Real calls made (nodes allowed to call out that had to). */
  realCalls: number;
}
