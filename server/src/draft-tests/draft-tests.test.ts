import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { DraftTestView, FlowDetail, StartRunResponse } from '@pipewright/api-contract';
import { awaitRun, type Harness, startHarness, TargetServer, type TestDocument, waitFor } from '../test-support.ts';

let harness: Harness;
const target = new TargetServer();
before(async () => {
  await target.start();
  harness = await startHarness({ worker: true });
});
after(async () => {
  await harness?.stop();
  await target.stop();
});

const api = () => harness.api();

/**
 * webhook → transform (`total` = amount × factor) → If total < limit → HTTP POST of the total to /orders-<name>
 * (`extra`: a second HTTP step after it, to /audit-<name>).
 */
function orderFlow(name: string, options: { factor: number; limit?: number; extra?: boolean }): TestDocument {
  const nodes: TestDocument['nodes'] = [
    { id: 'hook', type: 'core.webhook', typeVersion: 1, position: { x: 0, y: 0 }, config: { method: 'POST' } },
    {
      id: 'total',
      type: 'core.transform',
      typeVersion: 1,
      position: { x: 200, y: 0 },
      config: {
        fields: [{ name: 'total', value: `{{ trigger.body.amount * ${options.factor} }}` }],
        keepInput: false,
        remove: [],
      },
    },
    {
      id: 'check',
      type: 'core.if',
      typeVersion: 1,
      position: { x: 400, y: 0 },
      config: { condition: `{{ steps.total.total < ${options.limit ?? 1000} }}` },
    },
    {
      id: 'send',
      type: 'http.request',
      typeVersion: 1,
      position: { x: 600, y: 0 },
      config: { method: 'POST', url: `${target.baseUrl}/orders-${name}`, body: { total: '{{ steps.total.total }}' } },
      settings: { retry: { maxAttempts: 1 } },
    },
  ];
  const edges: TestDocument['edges'] = [
    { id: 'e1', source: 'hook', target: 'total' },
    { id: 'e2', source: 'total', target: 'check' },
    { id: 'e3', source: 'check', target: 'send', sourcePort: 'true' } as TestDocument['edges'][number],
  ];
  if (options.extra) {
    nodes.push({
      id: 'audit',
      type: 'http.request',
      typeVersion: 1,
      position: { x: 800, y: 0 },
      config: { method: 'POST', url: `${target.baseUrl}/audit-${name}`, body: { total: '{{ steps.total.total }}' } },
      settings: { retry: { maxAttempts: 1 } },
    });
    edges.push({ id: 'e4', source: 'send', target: 'audit' });
  }
  return { schemaVersion: 1, nodes, edges };
}

/** A published order flow with three finished runs (amounts 1, 2, 3), and its target's calls so far. */
async function publishedWithRuns(name: string): Promise<{ flow: FlowDetail; runIds: string[] }> {
  target.script(`/orders-${name}`, [{ status: 200, body: { ok: true } }]);
  target.script(`/audit-${name}`, [{ status: 200, body: { audited: true } }]);
  const document = orderFlow(name, { factor: 2 });
  const flow = (await api().post('/api/flows').send({ name, document }).expect(201)).body as FlowDetail;
  await api().post(`/api/flows/${flow.id}/publish`).expect(201);
  const runIds: string[] = [];
  for (const amount of [1, 2, 3]) {
    const runId = ((await api().post(flow.webhookPath).send({ amount }).expect(202)).body as StartRunResponse).runId;
    await awaitRun(harness.temporal, runId);
    runIds.push(runId);
  }
  return { flow, runIds };
}

async function saveDraft(flow: FlowDetail, document: TestDocument): Promise<void> {
  const current = (await api().get(`/api/flows/${flow.id}`).expect(200)).body as FlowDetail;
  await api().put(`/api/flows/${flow.id}`).send({ document, revision: current.revision }).expect(200);
}

/** Starts a test of the saved draft and waits until it has ended. */
async function testDraft(flow: FlowDetail, body: object = {}): Promise<DraftTestView> {
  const started = (await api().post(`/api/flows/${flow.id}/draft-tests`).send(body).expect(202)).body as DraftTestView;
  assert.equal(started.status, 'running');
  return waitFor(
    `draft test ${started.id} to end`,
    async () => {
      const view = (await api().get(`/api/flows/${flow.id}/draft-tests/${started.id}`).expect(200))
        .body as DraftTestView;
      return view.status === 'running' ? undefined : view;
    },
    { timeoutMs: 60_000, intervalMs: 200 },
  );
}

const callsTo = (path: string) => target.requests.filter((request) => request.path === path).length;

describe('test a draft against recent runs', () => {
  test('a changed transform: each run differs at the transform and at what the HTTP step would send; nothing is called', async () => {
    const { flow, runIds } = await publishedWithRuns('changed');
    assert.equal(callsTo('/orders-changed'), 3);
    await saveDraft(flow, orderFlow('changed', { factor: 3 }));

    const test = await testDraft(flow);
    assert.equal(test.status, 'done', test.error);
    const report = test.report ?? assert.fail('a report');
    assert.deepEqual(
      report.runs.map((run) => [run.runId, run.verdict]),
      [...runIds].reverse().map((runId) => [runId, 'differs']),
      'the newest run first, each differs',
    );
    assert.equal(report.passed, true);
    assert.equal(report.realCalls, 0);
    const oldest = report.runs.at(-1) ?? assert.fail('three runs');
    const byNode = new Map(oldest.differences.map((item) => [item.nodeId, item]));
    assert.equal(byNode.get('total')?.change, 'output');
    assert.deepEqual(byNode.get('total')?.before?.output, { total: 2 });
    assert.deepEqual(byNode.get('total')?.after?.output, { total: 3 });
    // The step was answered by its recording (same output), but what the draft would send differs.
    assert.equal(byNode.get('send')?.change, 'input');
    assert.match(JSON.stringify(byNode.get('send')?.after?.input), /"total":3/);
    assert.equal(callsTo('/orders-changed'), 3, 'the test made no call');
    assert.equal(test.current, true);
  });

  test('a draft that takes another branch, and one that now fails; publish then needs a passing test when required', async () => {
    const { flow } = await publishedWithRuns('branch');
    // Totals 2, 4, 6 against a limit of 5: the newest run (6) no longer sends.
    await saveDraft(flow, orderFlow('branch', { factor: 2, limit: 5 }));
    const branched = await testDraft(flow);
    const [newest] = branched.report?.runs ?? [];
    assert.equal(newest?.verdict, 'differs');
    const send = newest?.differences.find((item) => item.nodeId === 'send');
    assert.deepEqual([send?.change, send?.before?.status, send?.after?.status], ['status', 'succeeded', 'skipped']);

    // An expression that throws: every run that succeeded would now fail, at the transform.
    const broken = orderFlow('branch', { factor: 2 });
    const fields = {
      fields: [{ name: 'total', value: '{{ $number("not a number") }}' }],
      keepInput: false,
      remove: [],
    };
    broken.nodes[1] = { ...(broken.nodes[1] ?? assert.fail('a transform')), config: fields };
    (broken as { settings?: object }).settings = { publishRequiresDraftTest: true };
    await saveDraft(flow, broken);
    const refused = await api().post(`/api/flows/${flow.id}/publish`).expect(409);
    assert.equal(refused.body.error.code, 'draft_test_required');
    assert.match(refused.body.error.message, /settings\.publishRequiresDraftTest.*not been tested/);

    const failing = await testDraft(flow);
    assert.deepEqual(failing.report?.counts.now_fails, 3);
    assert.equal(failing.report?.passed, false);
    assert.equal(failing.report?.runs[0]?.error?.nodeId, 'total');
    const stillRefused = await api().post(`/api/flows/${flow.id}/publish`).expect(409);
    assert.match(stillRefused.body.error.message, /would make 3 runs that succeeded fail/);

    // Fixed, tested, published.
    const fixed = orderFlow('branch', { factor: 2 });
    (fixed as { settings?: object }).settings = { publishRequiresDraftTest: true };
    await saveDraft(flow, fixed);
    assert.equal((await testDraft(flow)).report?.passed, true);
    await api().post(`/api/flows/${flow.id}/publish`).expect(201);
    // The setting is on in the published version now: turning it off in a draft still needs one passing test.
    await saveDraft(flow, orderFlow('branch', { factor: 2 }));
    await api().post(`/api/flows/${flow.id}/publish`).expect(409);
  });

  test('an added HTTP step is not called unless allowed: incomplete without, called for real with', async () => {
    const { flow, runIds } = await publishedWithRuns('added');
    await saveDraft(flow, orderFlow('added', { factor: 2, extra: true }));

    // Picked twice, tested once.
    const without = await testDraft(flow, { runIds: [runIds[0], runIds[0]] });
    assert.equal(without.report?.runs.length, 1);
    const [run] = without.report?.runs ?? [];
    assert.equal(run?.verdict, 'incomplete');
    const audit = run?.differences.find((item) => item.nodeId === 'audit');
    assert.equal(audit?.change, 'not_run');
    assert.match(
      audit?.after?.error ?? '',
      /not run in this test: it is new or changed in the draft; allow real calls/,
    );
    assert.equal(callsTo('/audit-added'), 0);

    const withCalls = await testDraft(flow, { runIds: [runIds[0]], realCalls: ['audit'] });
    const [called] = withCalls.report?.runs ?? [];
    assert.equal(called?.verdict, 'differs');
    const added = called?.differences.find((item) => item.nodeId === 'audit');
    assert.deepEqual([added?.change, added?.after?.status], ['added', 'succeeded']);
    assert.equal(withCalls.report?.realCalls, 1);
    assert.equal(callsTo('/audit-added'), 1, 'the allowed step called out once');
    assert.equal(callsTo('/orders-added'), 3, 'the recorded step was not called again');
  });

  test('bad requests name the field; another flow’s run is refused; a flow without runs says so', async () => {
    const { flow } = await publishedWithRuns('bad');
    const other = (
      await api()
        .post('/api/flows')
        .send({ name: 'other', document: orderFlow('other', { factor: 1 }) })
        .expect(201)
    ).body as FlowDetail;
    const badCount = await api().post(`/api/flows/${flow.id}/draft-tests`).send({ count: 0 }).expect(400);
    assert.match(badCount.body.error.message, /count/);
    const badNode = await api()
      .post(`/api/flows/${flow.id}/draft-tests`)
      .send({ realCalls: ['nope'] })
      .expect(400);
    assert.match(badNode.body.error.message, /realCalls\[0\]: the draft has no node "nope"/);
    const foreign = await api()
      .post(`/api/flows/${other.id}/draft-tests`)
      .send({ runIds: ['run_notthisflows'] })
      .expect(400);
    assert.match(foreign.body.error.message, /runIds\[0\]: there is no run "run_notthisflows" of this flow/);
    const none = await api().post(`/api/flows/${other.id}/draft-tests`).send({}).expect(409);
    assert.equal(none.body.error.code, 'no_runs_to_test');
    await api().get(`/api/flows/${flow.id}/draft-tests/drt_unknown`).expect(404);
    // A test whose workflow Temporal no longer keeps (never read before its retention passed) says so.
    await harness.db.collection('draft_tests').insertOne({
      _id: 'drt_gone' as never,
      workspaceId: harness.admin.workspaceId,
      flowId: flow.id,
      documentHash: 'x',
      createdBy: harness.admin.userId,
      createdAt: new Date(),
      runIds: [],
      realCalls: [],
    });
    const gone = (await api().get(`/api/flows/${flow.id}/draft-tests/drt_gone`).expect(200)).body as DraftTestView;
    assert.deepEqual([gone.status, gone.current], ['failed', false]);
    assert.match(gone.error ?? '', /no longer kept by Temporal/);
    const listed = (await api().get(`/api/flows/${flow.id}/draft-tests`).expect(200)).body as {
      items: DraftTestView[];
    };
    assert.deepEqual(
      listed.items.map((item) => item.id),
      ['drt_gone'],
    );
  });
});
