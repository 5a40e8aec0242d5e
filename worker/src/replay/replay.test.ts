import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { test } from 'node:test';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import { DefaultLogger, type InjectedSinks, makeTelemetryFilterString, Runtime, Worker } from '@temporalio/worker';
import type { OutcomeSinks } from './outcome-interceptor.ts';
import { getReplayBundle, type Outcome, outcomeDifference, recordedOutcome } from './replay-support.ts';

/**
 * Replays recorded histories of representative runs (e2e/src/tools/record-histories.ts; README.md beside this file
 * says what each covers) against the current workflow code.  A change to the interpreter or the workflow that would
 * break runs in flight fails here, naming the recordings it breaks, before it reaches a worker in production: a new,
 * missing or different command (activity, timer, child run) without `patched()` fails Temporal's own determinism
 * check, and a reordering Temporal cannot see (two activities of one type swapped) shows as a different outcome.
 */
const dir = resolve(import.meta.dirname, 'histories');

/** Every recording, one file each (`<scenario>.<child>` for the runs a scenario's run started). */
const EXPECTED = [
  'approval-decided-by-member',
  'approval-link-clicked-before-wait',
  'code-step',
  'continue-on-error',
  'error-branch-taken',
  'flow-error-handler',
  'flow-error-handler.error-handler',
  'http-failed-run-failed',
  'http-retried-once-then-succeeded',
  'if-false-branch',
  'if-true-branch',
  'large-data-blob-ref',
  'loop-chunked-child-workflows',
  'loop-chunked-child-workflows.each-400',
  'loop-inline-http',
  'loop-transform-chunk-activities',
  'local-step-failed-run-failed',
  'local-step-loop-inline',
  'local-step-retried-as-activity',
  'local-step-succeeded',
  'merge-first-arrival',
  'parallel-branches-merge-all',
  'retry-from-failed-step',
  'step-worker-died-tried-again',
  'subflow-child-failed',
  'subflow-child-failed.call',
  'subflow-child-succeeded',
  'subflow-child-succeeded.call',
  'switch-first-match',
  'wait-delay-timer',
  'wait-event-resumed-by-api',
  'wait-event-timed-out',
  'webhook-transform-http-succeeded',
];

const recorded = readdirSync(dir)
  .filter((file) => file.endsWith('.json'))
  .map((file) => basename(file, '.json'));

test('every expected scenario is recorded, and nothing else is', () => {
  const missing = EXPECTED.filter((name) => !recorded.includes(name));
  const unexpected = recorded.filter((name) => !EXPECTED.includes(name));
  assert.deepEqual(
    { missing, unexpected },
    { missing: [], unexpected: [] },
    'record missing ones with `./pw exec node e2e/src/tools/record-histories.ts <scenario>`; list new ones in EXPECTED',
  );
});

test('recorded histories replay against the current workflow code, to the outcome they recorded', async () => {
  // Failures are collected and reported below; the SDK's own warnings about them would only repeat them.
  Runtime.install({
    logger: new DefaultLogger('ERROR'),
    telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'ERROR' }) } },
  });
  const histories = recorded.map((name) => ({
    workflowId: name,
    history: historyFromJSON(JSON.parse(readFileSync(resolve(dir, `${name}.json`), 'utf8'))),
  }));
  const replayedOutcomes = new Map<string, Outcome>();
  const sinks: InjectedSinks<OutcomeSinks> = {
    outcome: {
      completed: {
        fn: (info, value) => {
          replayedOutcomes.set(info.workflowId, { ended: 'completed', value });
        },
        callDuringReplay: true,
      },
      failed: {
        fn: (info, value) => {
          replayedOutcomes.set(info.workflowId, { ended: 'failed', value });
        },
        callDuringReplay: true,
      },
    },
  };
  const failures: string[] = [];
  const replayed: string[] = [];
  const workflowBundle = await getReplayBundle();
  for await (const result of Worker.runReplayHistories({ workflowBundle, sinks }, histories)) {
    replayed.push(result.workflowId);
    if (result.error) failures.push(`${result.workflowId}: ${reasonOf(result.error.message)}`);
  }
  for (const { workflowId, history } of histories) {
    const expected = recordedOutcome(history);
    const difference = expected && outcomeDifference(expected, replayedOutcomes.get(workflowId));
    if (difference && !failures.some((failure) => failure.startsWith(`${workflowId}:`))) {
      failures.push(`${workflowId}: ${difference}`);
    }
  }
  assert.deepEqual(failures, [], `${failures.length} of ${histories.length} recorded histories no longer replay`);
  assert.deepEqual(replayed.sort(), [...recorded].sort(), 'every history was replayed');
});

/**
 * Temporal's replay error wraps the reason (`[TMPRL1100] Nondeterminism error: …`) in a dump of the failed activation,
 * stack trace included: keep the reason.
 */
const reasonOf = (message: string): string => {
  const reason = /message: "([^"]+)"/.exec(message)?.[1] ?? message.split(/\\n|\n/)[0] ?? message;
  return reason.length > 400 ? `${reason.slice(0, 397)}...` : reason;
};
