import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import type { HistoryEvent } from './history-fields.ts';
import { durationText, mapRunHistory, pageRows, sizeText, words } from './run-history.ts';

/**
 * Histories recorded from real runs: `flaky-twice` and `five-attempts` by run-history.test.ts (a step answered 500,
 * 500, then 200; a regular activity failing four times, then succeeding), with the worker's attempt stamps and
 * trails; the others by the worker's replay recordings, from before stamps existed.
 */
const recorded = (name: string): { json: HistoryEvent[]; proto: HistoryEvent[] } => {
  const text = readFileSync(new URL(`./fixtures/${name}.history.json`, import.meta.url), 'utf8');
  const json: unknown = JSON.parse(text);
  const events = (json as { events: HistoryEvent[] }).events;
  // What the Temporal client hands the server: protobuf objects (Long ids, { seconds, nanos } times, byte arrays).
  const proto = (historyFromJSON(json).events ?? []).map((event) => ({ ...event }));
  return { json: events, proto };
};

const texts = (rows: { text: string }[]) => rows.map((row) => row.text);

describe('run history mapping', () => {
  for (const shape of ['json', 'proto'] as const) {
    test(`a step failing twice then succeeding: three attempts with errors and durations (${shape})`, () => {
      const { rows, attempts } = mapRunHistory(recorded('flaky-twice')[shape]);
      const url = 'http://127.0.0.1:39203/flaky-twice';
      assert.deepEqual(attempts, {
        call: [
          {
            attempt: 1,
            outcome: 'failed',
            local: true,
            startedAt: new Date(1796644127542).toISOString(),
            durationMs: 23,
            error: { message: `POST ${url} answered 500`, type: 'StepError', retryable: true },
          },
          {
            attempt: 2,
            outcome: 'failed',
            startedAt: new Date(1796644128258).toISOString(),
            durationMs: 4,
            error: { message: `POST ${url} answered 500`, type: 'StepError', retryable: true },
          },
          {
            attempt: 3,
            outcome: 'succeeded',
            startedAt: attempts.call?.[2]?.startedAt,
            durationMs: attempts.call?.[2]?.durationMs,
          },
        ],
      });
      assert.ok((attempts.call?.[2]?.durationMs ?? -1) >= 0);
      assert.deepEqual(
        texts(rows).map((text) => text.replace(/\d+(\.\d)? (B|KB)\b/g, 'N B')),
        [
          'Run started (input N B)',
          'Workflow task completed',
          `Step call ran locally (attempt 1) and failed: POST ${url} answered 500`,
          'Timer 50 ms started',
          'Timer fired',
          'Workflow task completed',
          'Step call scheduled (input N B)',
          `Step call started (attempt 3) after attempt 2 failed: POST ${url} answered 500`,
          'Step call completed (attempt 3), result N B',
          'Workflow task completed',
          'Run completed (result N B)',
        ],
      );
      const started = rows.find((row) => row.type === 'ActivityTaskStarted');
      assert.deepEqual([started?.nodeId, started?.attempt], ['call', 3]);
      assert.ok(rows.every((row) => !Number.isNaN(Date.parse(row.time))));
      // Sizes only: the step's input and output (the target's reply) are never in a row.
      assert.equal(JSON.stringify(rows).includes('"error":"first"'), false);
      assert.equal(JSON.stringify(attempts).includes('first'), false);
    });
  }

  test('five attempts of one activity: Temporal keeps the last two, the trail the three before', () => {
    const { attempts } = mapRunHistory(recorded('five-attempts').proto);
    const url = 'http://127.0.0.1:33991/flaky-four';
    const failed = (attempt: number, startedAt: number, durationMs: number, status: number) => ({
      attempt,
      outcome: 'failed',
      startedAt: new Date(startedAt).toISOString(),
      durationMs,
      error: { message: `POST ${url} answered ${status}`, type: 'StepError', retryable: true },
    });
    assert.deepEqual(attempts.call?.slice(0, 4), [
      failed(1, 1796645057773, 116, 500),
      failed(2, 1796645058784, 2, 502),
      failed(3, 1796645059771, 2, 503),
      failed(4, 1796645060785, 6, 500),
    ]);
    assert.deepEqual([attempts.call?.[4]?.attempt, attempts.call?.[4]?.outcome], [5, 'succeeded']);
  });

  test('a result whose output holds the text of a trail is not taken for one', () => {
    const text = JSON.stringify({
      output: { note: 'x,"earlier":[1],' },
      attempts: 2,
      startedAt: 1_800_000_000_000,
      durationMs: 7,
    });
    const events: HistoryEvent[] = [
      {
        eventId: '5',
        eventTime: '2026-12-07T10:00:00Z',
        activityTaskScheduledEventAttributes: {
          activityType: { name: 'runStep' },
          input: { payloads: [{ data: Buffer.from('{"nodeId":"n","attemptsBefore":1}') }] },
        },
      },
      {
        eventId: '6',
        eventTime: '2026-12-07T10:00:01Z',
        activityTaskStartedEventAttributes: { scheduledEventId: '5', attempt: 1 },
      },
      {
        eventId: '7',
        eventTime: '2026-12-07T10:00:02Z',
        activityTaskCompletedEventAttributes: {
          scheduledEventId: '5',
          result: { payloads: [{ data: Buffer.from(text) }] },
        },
      },
    ];
    const { attempts } = mapRunHistory(events);
    assert.deepEqual(attempts.n, [
      { attempt: 2, outcome: 'succeeded', startedAt: '2026-12-07T10:00:01.000Z', durationMs: 1000 },
    ]);
  });

  test('a run recorded before attempt stamps: the local failure is the retry’s node’s, without timing', () => {
    const { attempts, rows } = mapRunHistory(recorded('local-step-retried-as-activity').proto);
    const message = 'POST http://127.0.0.1:43057/flaky/1 answered 500';
    assert.deepEqual(attempts.http_request?.[0], {
      attempt: 1,
      outcome: 'failed',
      local: true,
      error: { message, type: 'StepError', retryable: true },
    });
    assert.deepEqual(
      attempts.http_request?.map((attempt) => [attempt.attempt, attempt.outcome]),
      [
        [1, 'failed'],
        [2, 'succeeded'],
      ],
    );
    assert.ok(texts(rows).includes(`A step ran locally (attempt 1) and failed: ${message}`));
    assert.ok(texts(rows).includes('Timer 100 ms started'));
  });

  test('a step failing on every attempt: the last failure, and the one before it from the started event', () => {
    const { attempts, rows } = mapRunHistory(recorded('http-failed-run-failed').proto);
    const nodeAttempts = attempts.http_request ?? [];
    assert.deepEqual(
      nodeAttempts.map((attempt) => [attempt.attempt, attempt.outcome, attempt.error?.message]),
      [
        [1, 'failed', 'POST http://127.0.0.1:39637/fail answered 500'],
        [2, 'failed', 'POST http://127.0.0.1:39637/fail answered 500'],
      ],
    );
    const failed = rows.filter((row) => row.failed === true).map((row) => row.text);
    assert.deepEqual(failed, [
      'Step http_request failed (attempt 2): POST http://127.0.0.1:39637/fail answered 500',
      'Run failed: node "http_request" failed: POST http://127.0.0.1:39637/fail answered 500',
    ]);
    const ended = rows.find((row) => row.type === 'WorkflowExecutionFailed');
    assert.ok(typeof ended?.durationMs === 'number');
  });

  test('a signal is told by name and size, never by its payload', () => {
    const { rows } = mapRunHistory(recorded('approval-link-clicked-before-wait').proto);
    const signal = rows.find((row) => row.type === 'WorkflowExecutionSignaled');
    assert.match(signal?.text ?? '', /^Signal resume received \(\d+ B\)$/);
    assert.ok((signal?.bytes ?? 0) > 0);
  });

  test('retries nothing kept (no trail: a worker before trails) are listed by number, marked not kept', () => {
    const at = (ms: number) => ({ seconds: String(1_800_000_000 + Math.floor(ms / 1000)), nanos: (ms % 1000) * 1e6 });
    const input = Buffer.from(JSON.stringify({ nodeId: 'slow', type: 'http.request', input: { big: 'x' } }));
    const failure = (message: string) => ({
      message: 'Activity task failed',
      activityFailureInfo: { activityType: { name: 'runStep' } },
      cause: { message, applicationFailureInfo: { type: 'StepError', nonRetryable: false } },
    });
    const events: HistoryEvent[] = [
      { eventId: '1', eventTime: at(0), workflowExecutionStartedEventAttributes: {} },
      {
        eventId: '5',
        eventTime: at(10),
        activityTaskScheduledEventAttributes: {
          activityType: { name: 'runStep' },
          input: { payloads: [{ metadata: {}, data: input }] },
        },
      },
      {
        eventId: '6',
        eventTime: at(5000),
        activityTaskStartedEventAttributes: { scheduledEventId: '5', attempt: 4, lastFailure: failure('busy') },
      },
      {
        eventId: '7',
        eventTime: at(35_000),
        activityTaskTimedOutEventAttributes: {
          scheduledEventId: '5',
          failure: { message: 'activity StartToClose timeout', timeoutFailureInfo: { timeoutType: 1 } },
        },
      },
      { eventId: '8', eventTime: at(35_001), workflowExecutionTerminatedEventAttributes: { reason: 'by hand' } },
    ];
    const { attempts, rows } = mapRunHistory(events);
    assert.deepEqual(attempts.slow, [
      { attempt: 1, outcome: 'failed', kept: false },
      { attempt: 2, outcome: 'failed', kept: false },
      { attempt: 3, outcome: 'failed', error: { message: 'busy', type: 'StepError', retryable: true } },
      {
        attempt: 4,
        outcome: 'failed',
        startedAt: new Date(1_800_000_005_000).toISOString(),
        durationMs: 30_000,
        error: { message: 'activity StartToClose timeout', type: 'Timeout', retryable: true },
      },
    ]);
    assert.deepEqual(texts(rows), [
      'Run started (input 0 B)',
      `Step slow scheduled (input ${input.length} B)`,
      'Step slow started (attempt 4) after attempt 3 failed: busy',
      'Step slow timed out (attempt 4): activity StartToClose timeout',
      'Run terminated: by hand',
    ]);
  });

  test('child flows, timers and long messages read in words', () => {
    const long = 'x'.repeat(5000);
    const events: HistoryEvent[] = [
      { eventId: '1', eventTime: '2026-12-07T10:00:00Z', workflowExecutionStartedEventAttributes: {} },
      {
        eventId: '2',
        eventTime: '2026-12-07T10:00:01Z',
        startChildWorkflowExecutionInitiatedEventAttributes: { workflowId: 'run_1/call' },
      },
      {
        eventId: '3',
        eventTime: '2026-12-07T10:00:01.500Z',
        childWorkflowExecutionStartedEventAttributes: { initiatedEventId: '2' },
      },
      {
        eventId: '4',
        eventTime: '2026-12-07T10:00:04Z',
        childWorkflowExecutionFailedEventAttributes: { initiatedEventId: '2', failure: { message: long } },
      },
      { eventId: '5', eventTime: '2026-12-07T10:00:04Z', timerStartedEventAttributes: { startToFireTimeout: '30s' } },
      { eventId: '6', eventTime: '2026-12-07T10:00:34Z', timerFiredEventAttributes: { startedEventId: '5' } },
      { eventId: '7', eventTime: '2026-12-07T10:00:35Z', workflowExecutionFailedEventAttributes: { failure: {} } },
    ];
    const { rows } = mapRunHistory(events);
    assert.deepEqual(texts(rows).slice(1, 3), [
      'Child flow run_1/call starting (input 0 B)',
      'Child flow run_1/call started',
    ]);
    assert.equal(rows[3]?.text.length, 'Child flow run_1/call failed: '.length + 1000);
    assert.equal(rows[3]?.durationMs, 3000);
    assert.deepEqual(
      [rows[4]?.text, rows[5]?.text, rows[5]?.durationMs],
      ['Timer 30 s started', 'Timer fired', 30_000],
    );
    assert.deepEqual([rows[6]?.text, rows[6]?.durationMs, rows[6]?.failed], ['Run failed: no message', 35_000, true]);
  });

  test('paging, sizes, durations and words', () => {
    const rows = [1, 2, 5, 9].map((eventId) => ({ eventId, time: '', type: 'X', text: '' }));
    assert.deepEqual(pageRows(rows, 0, 2), { events: rows.slice(0, 2), nextAfter: 2 });
    assert.deepEqual(pageRows(rows, 2, 2), { events: rows.slice(2), nextAfter: null });
    assert.deepEqual(pageRows(rows, 9, 2), { events: [], nextAfter: null });
    assert.deepEqual([sizeText(12), sizeText(2048), sizeText(3 * 1024 * 1024)], ['12 B', '2.0 KB', '3.0 MB']);
    assert.deepEqual(
      [durationText(50), durationText(30_000), durationText(90_000), durationText(7_200_000)],
      ['50 ms', '30 s', '1.5 min', '2 h'],
    );
    assert.equal(words('ActivityTaskCancelRequested'), 'Activity task cancel requested');
  });
});
