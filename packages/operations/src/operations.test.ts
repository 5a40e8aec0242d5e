import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ExecutionPlan, PlanNode, RunState } from '@pipewright/run-contract';
import {
  bucketOf,
  buildRunReport,
  constraintOf,
  countKey,
  DURATION_BOUNDS_MS,
  errorGroupOf,
  failureCountChanges,
  failureCountsOf,
  fromCountKey,
  positionKeysOf,
  quantileFromBuckets,
  type RollupDocument,
  type RunReport,
  readFlowWindow,
  readStepWindow,
  rollupUpdates,
  runFailureOf,
  runStatsOf,
  splitUpdate,
  stepDescriptionOf,
  stepSlotsOf,
  windowPlan,
} from './index.ts';

describe('quantiles from buckets', () => {
  const counts = (entries: Record<number, number>) => DURATION_BOUNDS_MS.map((_, i) => entries[i] ?? 0);
  const cases: [string, number[], number, number | null][] = [
    ['nothing counted', counts({}), 0.5, null],
    ['one bucket, interpolated inside it', counts({ 2: 10 }), 0.5, 37.5],
    ['p95 lands in the slow bucket', counts({ 0: 90, 6: 10 }), 0.95, 750],
    ['p50 stays in the fast bucket', counts({ 0: 90, 6: 10 }), 0.5, 50 / 9],
    ['the open last bucket answers its lower bound', counts({ 19: 3 }), 0.95, 86_400_000],
  ];
  for (const [name, buckets, q, expected] of cases) {
    test(name, () => {
      const value = quantileFromBuckets(buckets, q);
      if (expected === null) assert.equal(value, null);
      else assert.ok(value !== null && Math.abs(value - expected) < 1e-9, `${value} ≠ ${expected}`);
    });
  }
  test('a duration falls in the first bucket whose bound it does not exceed', () => {
    assert.deepEqual([bucketOf(0), bucketOf(10), bucketOf(11), bucketOf(1e12), bucketOf(Number.NaN)], [0, 0, 1, 19, 0]);
  });
});

describe('error groups', () => {
  const group = (message: string) => errorGroupOf('flow_1', 'call', message);
  test('numbers, ids, quoted values and query strings do not split a group', () => {
    assert.equal(group('timeout after 3012 ms'), group('timeout after 2990 ms'));
    assert.equal(
      group('order 3f2b9c1e-8d7a-4b6c-9e5f-1a2b3c4d5e6f not found'),
      group('order 0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f not found'),
    );
    assert.equal(group('field "email" is invalid'), group("field 'name' is invalid"));
    assert.equal(
      group('POST https://api.example.com/orders?id=12&token=abc answered 500'),
      group('POST https://api.example.com/orders?id=99 answered 500'),
    );
  });
  test('another cause, node or flow is another group', () => {
    assert.notEqual(group('timeout after 3012 ms'), group('connection refused'));
    assert.notEqual(
      group('POST http://127.0.0.1:4000/a answered 500'),
      group('POST http://127.0.0.1:4000/a answered 429'),
    );
    assert.equal(
      group('POST http://127.0.0.1:4000/a answered 500'),
      group('POST http://127.0.0.1:5123/a answered 500'),
    );
    assert.notEqual(errorGroupOf('flow_1', 'a', 'boom'), errorGroupOf('flow_1', 'b', 'boom'));
    assert.notEqual(errorGroupOf('flow_1', 'a', 'boom'), errorGroupOf('flow_2', 'a', 'boom'));
    assert.notEqual(
      group('GET https://a.example.com/x answered 500'),
      group('GET https://b.example.com/x answered 500'),
    );
  });
  test('a group is short and stable', () => {
    assert.match(group('x'), /^[0-9a-z]{11}$/);
    assert.equal(group('x'), group('x'));
  });
});

describe('the constraint', () => {
  const step = (nodeId: string, failures: number, p95Ms: number | null) => ({
    nodeId,
    title: nodeId,
    stepType: 't',
    failures,
    p95Ms,
  });
  test('failures dominate p95', () => {
    assert.deepEqual(constraintOf([step('slow', 0, 9000), step('failing', 2, 40)]), {
      ...step('failing', 2, 40),
      why: 'failures',
    });
  });
  test('without failures, the highest p95', () => {
    assert.equal(constraintOf([step('a', 0, 10), step('b', 0, 900), step('c', 0, 50)])?.nodeId, 'b');
    assert.equal(constraintOf([step('a', 0, 10)])?.why, 'p95');
  });
  test('no steps, or nothing measured: none', () => {
    assert.equal(constraintOf([]), null);
    assert.equal(constraintOf([step('a', 0, null)]), null);
  });
});

const node = (id: string, type: string, runsIn: PlanNode['runsIn']): PlanNode => ({
  id,
  type,
  typeVersion: 1,
  title: `Title of ${id}`,
  kind: runsIn === 'activity' ? 'action' : 'transform',
  runsIn,
  upstream: [],
  config: {},
  retry: { maxAttempts: 3, initialIntervalMs: 10, backoffCoefficient: 1, maxIntervalMs: 10 },
  timeoutMs: 1000,
  taskQueue: 'q',
});
const plan: Pick<ExecutionPlan, 'flowId' | 'version' | 'nodes'> = {
  flowId: 'flow_1',
  version: 4,
  nodes: [
    node('hook', 'core.webhook', 'workflow'),
    node('map', 'core.transform', 'workflow'),
    node('fetch', 'http.request', 'activity'),
    node('post', 'http.request', 'activity'),
    node('never', 'http.request', 'activity'),
  ],
};

describe('run reports', () => {
  test('a failed run reports its executed I/O steps and where and why it failed', () => {
    const state: RunState = {
      status: 'failed',
      flowId: 'flow_1',
      version: 4,
      startedAt: 1000,
      endedAt: 5000,
      error: { nodeId: 'post', message: `POST https://x.example/a answered 429 ${'!'.repeat(600)}` },
      nodes: {
        hook: { status: 'succeeded', attempts: 0 },
        map: { status: 'succeeded', attempts: 0 },
        fetch: { status: 'succeeded', attempts: 2, startedAt: 1100, endedAt: 1400, rateLimitWaitMs: 30 },
        post: {
          status: 'failed',
          attempts: 3,
          startedAt: 1500,
          endedAt: 4900,
          error: { message: 'x', details: { status: 429 } },
        },
        never: { status: 'pending', attempts: 0 },
      },
    };
    const report = buildRunReport({
      plan,
      state,
      run: { id: 'run_1', workspaceId: 'ws_1', kind: 'webhook' },
      now: 9999,
    });
    assert.deepEqual(
      report.steps.map((s) => [s.nodeId, s.durationMs, s.attempts, s.retries, s.failed, s.rateLimitWaitMs]),
      [
        ['fetch', 300, 2, 1, false, 30],
        ['post', 3400, 3, 2, true, 0],
      ],
    );
    assert.equal(report.lastStepEndedAt, 4900);
    assert.equal(report.failure?.nodeTitle, 'Title of post');
    assert.equal(report.failure?.nodeType, 'http.request');
    assert.equal(report.failure?.errorCode, 'HTTP 429');
    assert.equal(report.failure?.errorMessage.length, 500);
    assert.equal(runFailureOf(report)?.errorGroup, errorGroupOf('flow_1', 'post', report.failure?.errorMessage ?? ''));
  });
  test('freshness counts from the accept: a wait in the run queue is part of it', () => {
    const state: RunState = { status: 'succeeded', flowId: 'flow_1', version: 4, startedAt: 900, nodes: {} };
    const accepted = buildRunReport({
      plan,
      state,
      run: { id: 'r', workspaceId: 'w', kind: 'webhook', acceptedAt: 400 },
      now: 950,
    });
    assert.equal(accepted.triggeredAt, 400, 'accepted at 400, started by Temporal at 900: 500 ms in the queue');
    const started = buildRunReport({ plan, state, run: { id: 's', workspaceId: 'w', kind: 'schedule' }, now: 950 });
    assert.equal(started.triggeredAt, 900, 'a run without an accept counts from its start');
  });
  test('a succeeded run has no failure and no failure document', () => {
    const state: RunState = { status: 'succeeded', flowId: 'flow_1', version: 4, startedAt: 10, nodes: {} };
    const report = buildRunReport({ plan, state, run: { id: 'r', workspaceId: 'w', kind: 'manual' }, now: 50 });
    assert.equal(report.endedAt, 50);
    assert.equal(report.failure, undefined);
    assert.equal(runFailureOf(report), undefined);
  });
});

describe('rollups', () => {
  const now = Date.UTC(2026, 11, 7, 12, 30, 20);
  const report = (runId: string, status: 'succeeded' | 'failed', endedAt: number, durationMs: number): RunReport => ({
    runId,
    workspaceId: 'ws.$1',
    flowId: 'flow_1',
    version: 1,
    trigger: 'webhook',
    status,
    startedAt: endedAt - durationMs,
    triggeredAt: endedAt - durationMs,
    endedAt,
    lastStepEndedAt: endedAt - 1,
    steps: [
      {
        nodeId: 'call',
        stepType: 'http.request',
        title: 'Call',
        durationMs,
        attempts: status === 'failed' ? 3 : 1,
        retries: status === 'failed' ? 2 : 0,
        failed: status === 'failed',
        rateLimitWaitMs: 0,
      },
    ],
  });
  const reports = [
    report('a', 'succeeded', now - 60_000, 40),
    report('b', 'succeeded', now - 30_000, 40),
    report('c', 'failed', now - 5_000, 900),
    report('old', 'succeeded', now - 3 * 24 * 3_600_000, 40),
  ];
  const positions = { flow: () => 0, step: () => 0 };
  // Run c's step was answered 429 three times (each attempt, as its worker reports them); one more 3 days ago.
  const throttled = [now - 7_000, now - 6_000, now - 5_000, now - 3 * 24 * 3_600_000].map((at) => ({
    workspaceId: 'ws.$1',
    flowId: 'flow_1',
    nodeId: 'call',
    at,
  }));
  const updates = rollupUpdates(
    reports,
    { positions, connectorOf: (type) => type.split('.')[0] ?? '', now },
    throttled,
  );

  /** Applies the upserts the way MongoDB would ($setOnInsert, dotted $inc and $set). */
  function apply(list: typeof updates.runs): RollupDocument[] {
    const docs = new Map<string, RollupDocument>();
    for (const update of list) {
      const doc: RollupDocument = docs.get(update.id) ?? { _id: update.id, ...update.setOnInsert };
      for (const [path, by] of Object.entries(update.inc)) {
        const keys = path.split('.');
        let target: Record<string, unknown> = doc;
        for (const key of keys.slice(0, -1)) {
          target[key] ??= {};
          target = target[key] as Record<string, unknown>;
        }
        const last = keys.at(-1) ?? '';
        target[last] = (typeof target[last] === 'number' ? target[last] : 0) + by;
      }
      for (const [path, value] of Object.entries(update.set)) {
        const [head, key] = path.split('.') as [string, string];
        doc[head] ??= {};
        (doc[head] as Record<string, unknown>)[key] = value;
      }
      docs.set(update.id, doc);
    }
    return [...docs.values()];
  }

  test('no field name holds a user string: only positions, slots and counters', () => {
    for (const update of [...updates.runs, ...updates.steps]) {
      for (const path of [...Object.keys(update.inc), ...Object.keys(update.set)]) {
        assert.match(path, /^(f\d+|n\d+|meta)\.(m\d\d|h\d\d|s\d|n\d+)(\.[a-z]{1,2}\d{0,2})?$/, path);
      }
      assert.equal(update.setOnInsert.workspaceId, 'ws.$1', 'the workspace is a value');
    }
  });
  test('the 1 h view counts the last hour: rate, latency, series', () => {
    const plan1h = windowPlan('1h', now);
    assert.equal(plan1h.slots.length, 60);
    assert.equal(stepSlotsOf(plan1h).length, 7, 'step slots of 10 minutes overlapping the hour');
    assert.equal(plan1h.docStarts.length, 2);
    const docs = apply(updates.runs);
    const { total, series } = readFlowWindow(docs, 0, plan1h);
    const stats = runStatsOf(total, 60);
    assert.deepEqual([stats.runs, stats.succeeded, stats.failed], [3, 2, 1]);
    assert.equal(stats.retries, 2);
    assert.equal(stats.tooManyRequests, 3, "every attempt answered 429 counts, not only a step's last");
    assert.ok(stats.p50Ms !== null && stats.p50Ms > 25 && stats.p50Ms <= 50, String(stats.p50Ms));
    assert.ok(stats.p95Ms !== null && stats.p95Ms > 500 && stats.p95Ms <= 1000, String(stats.p95Ms));
    assert.equal(
      series.reduce((sum, point) => sum + point.succeeded + point.failed, 0),
      3,
    );
    assert.equal(series.at(-1)?.failed, 1);
  });
  test('the 7 d view also counts the older run; minute documents skip it', () => {
    const docs = apply(updates.runs);
    assert.equal(runStatsOf(readFlowWindow(docs, 0, windowPlan('7d', now)).total, 7 * 24 * 60).runs, 4);
    assert.equal(updates.runs.filter((u) => u.setOnInsert.grain === 'minute').length, 1);
  });
  test('steps: failures, durations and their description', () => {
    const docs = apply(updates.steps);
    const plan24 = windowPlan('24h', now);
    const step = readStepWindow(docs, 0, plan24);
    assert.deepEqual([step.executions, step.attempts, step.retries, step.failures], [3, 5, 2, 1]);
    assert.equal(step.tooManyRequests, 3);
    assert.equal(readStepWindow(docs, 0, windowPlan('7d', now)).tooManyRequests, 4);
    assert.deepEqual(stepDescriptionOf(docs, 0), {
      flowId: 'flow_1',
      nodeId: 'call',
      stepType: 'http.request',
      connector: 'http',
      title: 'Call',
    });
  });
  test('a large update is split; the parts add up to it and only the first sets descriptions', () => {
    const update = updates.steps[0];
    assert.ok(update);
    const big = { ...update, inc: Object.fromEntries(Array.from({ length: 950 }, (_, i) => [`n0.h01.x${i}`, i])) };
    const parts = splitUpdate(big, 400);
    assert.deepEqual(
      parts.map((part) => Object.keys(part.inc).length),
      [400, 400, 150],
    );
    assert.deepEqual(Object.assign({}, ...parts.map((part) => part.inc)), big.inc);
    assert.deepEqual([parts[0]?.set, parts[1]?.set], [big.set, {}]);
    assert.deepEqual(splitUpdate(update), [update]);
  });
  test('position keys: each flow and step once per workspace', () => {
    const keys = positionKeysOf(reports).get('ws.$1');
    assert.deepEqual(keys, { flows: ['flow_1'], steps: [{ flowId: 'flow_1', nodeId: 'call' }] });
  });
});

describe('open-failure counters', () => {
  test('a flow id or step type never becomes a path or an operator, and reads back as it was', () => {
    for (const value of ['flw_1', 'a.b', '$where', '@acme/steps.ping', 'x%2Ey']) {
      const key = countKey(value);
      assert.doesNotMatch(key, /[.$]/);
      assert.equal(fromCountKey(key), value);
    }
  });

  test('changes add per workspace, flow and step type, and the counts read back without what fell to zero', () => {
    const changes = failureCountChanges(
      [
        { workspaceId: 'w1', flowId: 'f1', nodeType: 'http.request' },
        { workspaceId: 'w1', flowId: 'f1', nodeType: 'smtp.send' },
        { workspaceId: 'w2', flowId: 'f9', nodeType: 'http.request' },
      ],
      -1,
    );
    assert.deepEqual(changes.get('w1'), { v: 2, 'flows.f1': -2, 'types.http%2Erequest': -1, 'types.smtp%2Esend': -1 });
    const counts = failureCountsOf({ _id: 'w1', flows: { f1: 2, f2: 0 }, types: { 'http%2Erequest': 2 } });
    assert.deepEqual([...counts.flows], [['f1', 2]]);
    assert.deepEqual([...counts.types], [['http.request', 2]]);
  });
});
