import { canonicalJson } from '@pipewright/compiler/canonical-json';
import {
  DRAFT_TEST_VALUE_CHARS,
  type DraftTestChange,
  type DraftTestDifference,
  type DraftTestReport,
  type DraftTestRunResult,
  type DraftTestValue,
  type DraftTestVerdict,
  NOT_RUN_IN_DRAFT_TEST,
  type NodeRunState,
  type PlanNode,
  type RunState,
} from '@pipewright/run-contract';
import { describeNode } from './describe-node.ts';
import type { RecordedOutcome } from './effects.ts';
import { flowStepOf } from './flow-steps.ts';

/**
 * Draft tests (docs/adr/016): what a past run recorded answers the draft's I/O steps, Waits and Sub-flows, and the
 * draft's run is compared with the recorded one node by node.  Pure: the worker's `testDraftRun` workflow loads the
 * recording and runs the plan.
 */

export interface RecordingOptions {
  /** The run id the draft runs under (loop iterations run as `<runId>/<loop>[<index>]`). */
  runId: string;
  /** Draft nodes that are new or differ from the run's version: the recording does not answer them. */
  changed: ReadonlySet<string>;
  /** Nodes allowed to call out for real where the recording does not answer them. */
  realCalls: ReadonlySet<string>;
}

/** A loop iteration's run id: `<runId>/<loop>[<index>]` (loop.ts), one level deep. */
const ITERATION = /^([^/[\]]+)\[(\d+)\]$/;

/**
 * The recorded outcome of `node` (for `RunEffects.recordedOutcome`): its output or failure as the run had it; for a
 * node the recording cannot answer (new, changed, or not reached in that run), undefined when real calls are allowed
 * for it (it runs), else a failure marked `NOT_RUN_IN_DRAFT_TEST`.
 */
export function answerFromRecording(
  recorded: RunState,
  options: RecordingOptions,
): (node: PlanNode, runId: string) => RecordedOutcome | undefined {
  return (node, runId) => {
    const entry = options.changed.has(node.id) ? undefined : recordedEntry(recorded, options.runId, node.id, runId);
    if (entry?.status === 'succeeded' && entry.continuedOnError !== true) {
      return { ok: true, output: entry.output ?? null, attempts: 1, ...(entry.ports ? { ports: entry.ports } : {}) };
    }
    if (entry?.status === 'failed' || entry?.continuedOnError === true) {
      // The node's onError decides again what the failure does (continue, error port, fail the run).
      return { ok: false, attempts: entry.attempts, error: entry.error ?? { message: 'failed' } };
    }
    // A Wait has nothing to call: with no recording it runs (the test's timers fire at once, event waits time out).
    if (options.realCalls.has(node.id) || flowStepOf(node.type)?.kind === 'wait') return undefined;
    const why = options.changed.has(node.id)
      ? 'it is new or changed in the draft'
      : 'the run did not reach it, so nothing was recorded';
    return {
      ok: false,
      attempts: 0,
      error: {
        message: `${describeNode(node)} was not run in this test: ${why}; allow real calls for it to run it`,
        details: { reason: NOT_RUN_IN_DRAFT_TEST },
      },
    };
  };
}

function recordedEntry(
  recorded: RunState,
  rootRunId: string,
  nodeId: string,
  runId: string,
): Omit<NodeRunState, 'iterations'> | undefined {
  if (runId === rootRunId) return Object.hasOwn(recorded.nodes, nodeId) ? recorded.nodes[nodeId] : undefined;
  if (!runId.startsWith(`${rootRunId}/`)) return undefined;
  const iteration = ITERATION.exec(runId.slice(rootRunId.length + 1));
  if (!iteration?.[1] || !Object.hasOwn(recorded.nodes, iteration[1])) return undefined;
  const index = Number(iteration[2]);
  const nodes = recorded.nodes[iteration[1]]?.iterations?.find((item) => item.index === index)?.nodes;
  return nodes && Object.hasOwn(nodes, nodeId) ? nodes[nodeId] : undefined;
}

export interface ComparedRun {
  runId: string;
  version: number;
  /** The draft's node ids, in plan order. */
  draftNodeIds: string[];
  before: RunState;
  after: RunState;
}

/** The run's verdict and its differing nodes: draft nodes in plan order, then nodes the draft removed. */
export function compareRuns({ runId, version, draftNodeIds, before, after }: ComparedRun): DraftTestRunResult {
  const differences: DraftTestDifference[] = [];
  const inDraft = new Set(draftNodeIds);
  for (const nodeId of draftNodeIds) {
    const now = Object.hasOwn(after.nodes, nodeId) ? after.nodes[nodeId] : undefined;
    const then = Object.hasOwn(before.nodes, nodeId) ? before.nodes[nodeId] : undefined;
    const change = changeOf(then, now);
    if (change) differences.push(difference(nodeId, change, then, now));
  }
  for (const [nodeId, then] of Object.entries(before.nodes)) {
    if (!inDraft.has(nodeId)) differences.push(difference(nodeId, 'removed', then, undefined));
  }
  const verdict = verdictOf(before, after, differences);
  return {
    runId,
    version,
    verdict,
    before: before.status,
    after: after.status,
    ...(after.error ? { error: after.error } : {}),
    differences,
  };
}

function changeOf(then: NodeRunState | undefined, now: NodeRunState | undefined): DraftTestChange | undefined {
  if (now && isNotRun(now)) return 'not_run';
  if (!then) return now && now.status !== 'skipped' && now.status !== 'pending' ? 'added' : undefined;
  if (!now) return 'removed';
  if (outcomeOf(then) !== outcomeOf(now)) return 'status';
  if (canonicalJson(then.output ?? null) !== canonicalJson(now.output ?? null)) return 'output';
  if (canonicalJson(then.input ?? null) !== canonicalJson(now.input ?? null)) return 'input';
  return undefined;
}

/** A node that continued on error succeeded as far as the run goes, and failed as far as the step goes. */
const outcomeOf = (node: NodeRunState): string => (node.continuedOnError ? 'continued' : node.status);

function isNotRun(node: NodeRunState): boolean {
  const details = node.error?.details;
  return (
    typeof details === 'object' && details !== null && 'reason' in details && details.reason === NOT_RUN_IN_DRAFT_TEST
  );
}

function verdictOf(before: RunState, after: RunState, differences: DraftTestDifference[]): DraftTestVerdict {
  if (differences.some((item) => item.change === 'not_run')) return 'incomplete';
  if (before.status === 'succeeded' && after.status === 'failed') return 'now_fails';
  if (before.status === 'failed' && after.status === 'succeeded') return 'now_succeeds';
  return differences.length > 0 ? 'differs' : 'same';
}

function difference(
  nodeId: string,
  change: DraftTestChange,
  then: NodeRunState | undefined,
  now: NodeRunState | undefined,
): DraftTestDifference {
  return {
    nodeId,
    change,
    ...(then ? { before: reportedValue(then) } : {}),
    ...(now ? { after: reportedValue(now) } : {}),
  };
}

/** A node's state for the report: values longer than `DRAFT_TEST_VALUE_CHARS` of JSON become their start, as text. */
function reportedValue(node: NodeRunState): DraftTestValue {
  const value: DraftTestValue = { status: node.status };
  let truncated = false;
  for (const field of ['input', 'output'] as const) {
    if (node[field] === undefined) continue;
    const text = JSON.stringify(node[field]) ?? 'null';
    if (text.length <= DRAFT_TEST_VALUE_CHARS) value[field] = node[field];
    else {
      value[field] = `${text.slice(0, DRAFT_TEST_VALUE_CHARS)}…`;
      truncated = true;
    }
  }
  if (node.error) value.error = node.error.message;
  if (truncated) value.truncated = true;
  return value;
}

/** A run the test could not replay (not found, still running, ended by a timeout or termination). */
export function notTested(runId: string, version: number, note: string): DraftTestRunResult {
  return { runId, version, verdict: 'not_tested', differences: [], note };
}

const VERDICTS: DraftTestVerdict[] = ['same', 'differs', 'now_fails', 'now_succeeds', 'incomplete', 'not_tested'];

/** The whole test's report: it passes when no run that succeeded would now fail. */
export function draftTestReport(runs: DraftTestRunResult[], realCalls: number): DraftTestReport {
  const counts = Object.fromEntries(VERDICTS.map((verdict) => [verdict, 0])) as Record<DraftTestVerdict, number>;
  for (const run of runs) counts[run.verdict] += 1;
  return { runs, counts, passed: counts.now_fails === 0, realCalls };
}
