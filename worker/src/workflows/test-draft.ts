// Workflow code (deterministic): "Test against recent runs" (docs/adr/016).
import {
  type DraftTestInput,
  type DraftTestReport,
  type DraftTestRunAnswer,
  type DraftTestRunRequest,
  type DraftTestRunResult,
  NOT_RUN_IN_DRAFT_TEST,
  TEST_DRAFT_RUN_WORKFLOW,
} from '@pipewright/run-contract';
import {
  answerFromRecording,
  compareRuns,
  createInitialState,
  draftTestReport,
  executePlan,
  notTested,
  type RunEffects,
  type StepFailure,
  UNDO_KEY_SUFFIX,
} from '@pipewright/runtime';
import { executeChild, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { DraftTestActivities } from '../draft-tests/recorded-runs.ts';
import { evaluateNodeActivity, noLocalAttempts, runStepActivity } from './step-activities.ts';

const { loadRecordedRun } = proxyActivities<DraftTestActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { maximumAttempts: 3 },
});

/** Runs tested at once: each is a child with its own history, so the parent's stays small whatever the runs hold. */
const RUNS_AT_ONCE = 4;

/**
 * Tests a draft against past runs: one `testDraftRun` child per run (a few at a time), then the report.  A run whose
 * test could not be done counts as `not_tested` and says why; the others still count.
 */
export async function testDraft(input: DraftTestInput): Promise<DraftTestReport> {
  const results: DraftTestRunResult[] = [];
  let realCalls = 0;
  let next = 0;
  const lane = async () => {
    while (next < input.runs.length) {
      const index = next++;
      const run = input.runs[index];
      if (!run) continue;
      const request: DraftTestRunRequest = {
        plan: input.plan,
        workspaceId: input.workspaceId,
        run,
        realCalls: input.realCalls,
      };
      try {
        const answer = await executeChild(TEST_DRAFT_RUN_WORKFLOW, {
          workflowId: `${workflowInfo().workflowId}/${run.runId}`,
          args: [request],
        });
        results[index] = answer.result;
        realCalls += answer.realCalls;
      } catch (error) {
        results[index] = notTested(run.runId, run.version, `the test of this run failed: ${messageOf(error)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(RUNS_AT_ONCE, input.runs.length) }, lane));
  return draftTestReport(results, realCalls);
}

/**
 * One past run, replayed with the draft: the run's recorded trigger data goes in, its recorded outcomes answer the
 * I/O steps, Waits and Sub-flows (`answerFromRecording`); transforms, branches and loops run as the draft says.
 * Steps with nothing recorded call out only when allowed (`realCalls`).  Undo steps never run here: compensating a
 * test would undo real work the past run did.  Timers fire at once and event waits time out.
 */
export async function testDraftRun(request: DraftTestRunRequest): Promise<DraftTestRunAnswer> {
  const { plan, workspaceId, run } = request;
  const loaded = await loadRecordedRun({ runId: run.runId, workspaceId });
  if (!('state' in loaded)) return { result: notTested(run.runId, run.version, loaded.note), realCalls: 0 };
  const recorded = loaded.state;
  if (!Object.hasOwn(recorded.nodes, run.triggerNodeId)) {
    return { result: notTested(run.runId, run.version, 'the run recorded no trigger data'), realCalls: 0 };
  }
  const trigger = recorded.nodes[run.triggerNodeId]?.output ?? null;
  const testRunId = workflowInfo().workflowId;
  const allowed = new Set(request.realCalls);
  const execution = { workspaceId, flowId: plan.flowId, localTaskQueue: undefined, local: noLocalAttempts() };
  let realCalls = 0;
  const effects: RunEffects = {
    now: () => Date.now(),
    executeStep: async (step) => {
      const undo = step.idempotencyKey.endsWith(UNDO_KEY_SUFFIX);
      if (undo || !allowed.has(step.nodeId)) {
        const failure: StepFailure = {
          message: undo
            ? `node "${step.nodeId}": its undo step does not run in a test`
            : `node "${step.nodeId}" was not run in this test: real calls are not allowed for it`,
          attempts: 0,
          details: { reason: NOT_RUN_IN_DRAFT_TEST },
        };
        throw failure;
      }
      realCalls += 1;
      return runStepActivity(step, execution);
    },
    evaluateRemotely: (node) => evaluateNodeActivity(node, workspaceId, execution),
    sleep: async () => {},
    waitForEvent: async () => ({ timedOut: true }),
    // A draft test never asks anyone: an approval the recording does not answer times out.
    waitForApproval: async () => ({ timedOut: true }),
    recordedOutcome: answerFromRecording(recorded, {
      runId: testRunId,
      changed: new Set(run.changed),
      realCalls: allowed,
    }),
  };
  const state = createInitialState(plan, Date.now());
  await executePlan({ plan, trigger, run: { id: testRunId, workspaceId } }, effects, state);
  const result = compareRuns({
    runId: run.runId,
    version: run.version,
    draftNodeIds: plan.nodes.map((node) => node.id),
    before: recorded,
    after: state,
  });
  return { result, realCalls };
}

function messageOf(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  return cause instanceof Error ? cause.message : String(error);
}
