import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type {
  AuditEntryView,
  FailureActionResponse,
  FailureGroupView,
  FailuresPage,
  FlowDetail,
  RunDetail,
  StartRunResponse,
} from '@pipewright/api-contract';
import {
  awaitRun,
  createSignedInAgent,
  type Harness,
  startHarness,
  TargetServer,
  type TestDocument,
  waitFor,
} from '../test-support.ts';
import { FailuresRepository } from './failures.repository.ts';

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
const FAST_RETRY = { maxAttempts: 2, initialIntervalMs: 50, backoffCoefficient: 1, maxIntervalMs: 50 };

/** webhook → `fetch` (POST to `firstUrl`) → `save` (POST to `secondUrl`), both sending the trigger's order id. */
function twoCallDocument(firstUrl: string, secondUrl: string): TestDocument {
  const call = (id: string, url: string, x: number) => ({
    id,
    type: 'http.request',
    typeVersion: 1,
    position: { x, y: 0 },
    config: { method: 'POST', url, body: { orderId: '{{ trigger.body.orderId }}', step: id } },
    settings: { retry: FAST_RETRY },
  });
  return {
    schemaVersion: 1,
    nodes: [
      { id: 'hook', type: 'core.webhook', typeVersion: 1, position: { x: 0, y: 0 }, config: { method: 'POST' } },
      call('fetch', firstUrl, 200),
      call('save', secondUrl, 400),
    ],
    edges: [
      { id: 'e1', source: 'hook', target: 'fetch' },
      { id: 'e2', source: 'fetch', target: 'save' },
    ],
  };
}

async function finishedRun(runId: string): Promise<RunDetail> {
  await awaitRun(harness.temporal, runId);
  return (await api().get(`/api/runs/${runId}`).expect(200)).body as RunDetail;
}

const calls = (path: string) => target.requests.filter((request) => request.path === path);
const orderIdsSentTo = (path: string) =>
  calls(path).map((request) => (JSON.parse(request.body) as { orderId: string }).orderId);

/** The worker's run-report writer (@pipewright/run-reports) records a failed run in the queue once it closed. */
async function failureRecorded(runId: string): Promise<void> {
  const failures = new FailuresRepository(harness.db);
  await waitFor(`the worker to record the failure of ${runId}`, async () =>
    (await failures.findById(harness.admin.workspaceId, runId)) ? true : undefined,
  );
}

describe('failed-runs queue', () => {
  test('failures are grouped; bulk retry resumes at the failed step, re-run uses the current version; all audited', async () => {
    const fetchUrl = target.script('/fetch', [{ status: 200, body: { customer: 'Ada' } }]);
    const saveUrl = target.script('/save', [{ status: 500, body: { error: 'database down' } }]);
    const created = await api()
      .post('/api/flows')
      .send({ name: 'Orders', document: twoCallDocument(fetchUrl, saveUrl) })
      .expect(201);
    const flow = created.body as FlowDetail;
    await api().post(`/api/flows/${flow.id}/publish`).expect(201);

    const failed: RunDetail[] = [];
    for (const orderId of ['o1', 'o2', 'o3', 'o4']) {
      const { runId } = (await api().post(flow.webhookPath).send({ orderId }).expect(202)).body as StartRunResponse;
      const run = await finishedRun(runId);
      assert.equal(run.status, 'failed');
      assert.equal(run.error?.nodeId, 'save');
      failed.push(run);
      await failureRecorded(run.id);
    }
    const [r1, r2, r3, r4] = failed.map((run) => run.id);
    assert.ok(r1 && r2 && r3 && r4);
    assert.equal(calls('/fetch').length, 4);

    // Grouped by cause.
    const groups = (await api().get('/api/failures?groupBy=error').expect(200)).body as { groups: FailureGroupView[] };
    assert.equal(groups.groups.length, 1);
    const group = groups.groups[0];
    // One cause: the same step failing with the same message (numbers and ids aside) in one flow.
    const ERROR_GROUP = group?.errorGroup ?? '';
    assert.match(ERROR_GROUP, /^[a-z0-9]{11}$/);
    assert.equal(group?.count, 4);
    assert.deepEqual(group?.flowIds, [flow.id]);
    assert.equal(group?.sample.errorMessage, `POST ${saveUrl} answered 500`);

    // The group's runs, paged through a cursor: each once, newest first.
    const listed: FailuresPage['items'] = [];
    let cursor: string | null = null;
    do {
      const query: string = `/api/failures?errorGroup=${ERROR_GROUP}&limit=3${cursor ? `&cursor=${cursor}` : ''}`;
      const page = (await api().get(query).expect(200)).body as FailuresPage;
      listed.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor !== null);
    assert.deepEqual(
      listed.map((item) => item.runId),
      [r4, r3, r2, r1],
    );
    assert.equal(group?.firstSeen, listed.at(-1)?.failedAt);
    assert.equal(group?.lastSeen, listed[0]?.failedAt);
    assert.deepEqual(
      listed.map((item) => [item.nodeId, item.errorMessage, item.version]),
      failed.map(() => ['save', `POST ${saveUrl} answered 500`, 1]),
    );

    // Dismiss one; an unknown run is answered by name.
    const dismissed = (
      await api()
        .post('/api/failures/dismiss')
        .send({ runIds: [r4, 'run_unknown'] })
        .expect(200)
    ).body as FailureActionResponse;
    assert.deepEqual(dismissed.results, [
      { runId: r4, ok: true },
      { runId: 'run_unknown', ok: false, error: 'Run run_unknown is not in the failed-runs queue' },
    ]);

    // The cause is fixed: retry two from the failed step.
    target.script('/save', [{ status: 200, body: { saved: true } }]);
    const retried = (
      await api()
        .post('/api/failures/retry')
        .send({ runIds: [r1, r2] })
        .expect(200)
    ).body as FailureActionResponse;
    const newRunIds = retried.results.map((result) => {
      assert.ok(result.ok && result.newRunId, `retry of ${result.runId} started: ${JSON.stringify(result)}`);
      return result.newRunId;
    });
    for (const [index, newRunId] of newRunIds.entries()) {
      const run = await finishedRun(newRunId);
      assert.equal(run.status, 'succeeded');
      assert.equal(run.version, 1, 'a retry runs on the original version');
      assert.equal(run.retryOf, [r1, r2][index]);
      assert.equal(run.nodes.fetch?.reused, true, 'the succeeded step is reused');
      assert.deepEqual(run.nodes.fetch?.output, failed[index]?.nodes.fetch?.output);
      assert.equal(run.nodes.save?.status, 'succeeded');
      assert.deepEqual(run.nodes.hook?.output, failed[index]?.nodes.hook?.output, 'the original trigger data');
    }
    assert.equal(calls('/fetch').length, 4, 'the step that had succeeded was not called again');
    assert.deepEqual(
      orderIdsSentTo('/save').slice(-2).sort(),
      ['o1', 'o2'],
      'the failed step ran with the original data',
    );

    // A second retry of the same failure starts nothing.
    const again = (
      await api()
        .post('/api/failures/retry')
        .send({ runIds: [r1] })
        .expect(200)
    ).body as FailureActionResponse;
    assert.deepEqual(again.results, [{ runId: r1, ok: false, error: `Run ${r1}: its failure was already retried` }]);

    // Version 2 sends elsewhere; re-running the rest of the group (one run) uses it, every step again.
    const savedUrl = target.script('/save-v2', [{ status: 200, body: { saved: 'v2' } }]);
    const current = (await api().get(`/api/flows/${flow.id}`).expect(200)).body as FlowDetail;
    await api()
      .put(`/api/flows/${flow.id}`)
      .send({ document: twoCallDocument(fetchUrl, savedUrl), revision: current.revision })
      .expect(200);
    await api().post(`/api/flows/${flow.id}/publish`).expect(201);
    const rerun = (
      await api().post('/api/failures/rerun').send({ errorGroup: ERROR_GROUP, flowId: flow.id }).expect(200)
    ).body as FailureActionResponse;
    assert.equal(rerun.results.length, 1);
    const [rerunResult] = rerun.results;
    assert.ok(rerunResult?.ok && rerunResult.newRunId && rerunResult.runId === r3, JSON.stringify(rerun.results));
    const rerunRun = await finishedRun(rerunResult.newRunId);
    assert.equal(rerunRun.status, 'succeeded');
    assert.equal(rerunRun.version, 2);
    assert.equal(rerunRun.rerunOf, r3);
    assert.equal(rerunRun.nodes.fetch?.reused, undefined, 're-run runs every step');
    assert.equal(calls('/fetch').length, 5);
    assert.deepEqual(orderIdsSentTo('/save-v2'), ['o3']);

    // The queue is empty; the audit log says who did what to which run.
    const after = (await api().get('/api/failures?groupBy=error').expect(200)).body as { groups: FailureGroupView[] };
    assert.deepEqual(after.groups, []);
    const health = (await api().get(`/api/operations/health?window=1h&flowId=${flow.id}`).expect(200)).body as {
      totals: { dlqBacklog: number };
    };
    assert.equal(
      health.totals.dlqBacklog,
      0,
      `the dashboard’s backlog follows the queue: ${JSON.stringify(await harness.db.collection('run_failure_counts').find({}).toArray())}`,
    );
    const resolved = await new FailuresRepository(harness.db).findById(harness.admin.workspaceId, r1);
    assert.equal(resolved?.resolution?.kind, 'retried');
    assert.equal(resolved?.resolution?.runId, newRunIds[0]);
    assert.equal(resolved?.resolution?.by.userId, harness.admin.userId);
    const audit = ((await api().get('/api/audit?limit=200').expect(200)).body as { items: AuditEntryView[] }).items;
    const actions = audit
      .filter((entry) => entry.action.startsWith('failure.'))
      .map((entry) => `${entry.action} ${entry.target.id} ${String(entry.details?.newRunId ?? '-')}`)
      .sort();
    assert.deepEqual(
      actions,
      [
        `failure.dismiss ${r4} -`,
        `failure.rerun ${r3} ${rerunResult.newRunId}`,
        `failure.retry ${r1} ${newRunIds[0]}`,
        `failure.retry ${r2} ${newRunIds[1]}`,
      ].sort(),
    );
  });

  test('bad action bodies are refused naming the field; viewers cannot act', async () => {
    const both = await api()
      .post('/api/failures/retry')
      .send({ runIds: ['run_a'], errorGroup: 'g' })
      .expect(400);
    assert.match(both.body.error.message, /^runIds: give either runIds or errorGroup/);
    const many = Array.from({ length: 101 }, (_, index) => `run_${index}`);
    assert.match(
      (await api().post('/api/failures/rerun').send({ runIds: many }).expect(400)).body.error.message,
      /^runIds/,
    );
    const injected = await api().post('/api/failures/dismiss').send({ errorGroup: '{"$ne":null}' }).expect(400);
    assert.match(injected.body.error.message, /^errorGroup/);
    assert.match((await api().get('/api/failures?errorGroup=a%22b').expect(400)).body.error.message, /^errorGroup/);
    assert.match((await api().get('/api/failures?cursor=nope').expect(400)).body.error.message, /^cursor/);
    const viewer = await createSignedInAgent(harness, { role: 'viewer' });
    await viewer.agent().get('/api/failures?groupBy=error').expect(200);
    await viewer
      .agent()
      .post('/api/failures/retry')
      .send({ runIds: ['run_a'] })
      .expect(403);
  });
});
