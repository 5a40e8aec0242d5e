import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { FlowDetail, StartRunResponse } from '@pipewright/api-contract';
import { errorGroupOf, type HealthResponse, RUN_FAILURES_COLLECTION } from '@pipewright/operations';
import { ContractViolationsRepository } from '../contracts/contract-violations.repository.ts';
import { awaitRun, type Harness, startHarness, TargetServer, waitFor, webhookToHttpDocument } from '../test-support.ts';

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

interface FailureDoc {
  _id: string;
  flowId: string;
  nodeId: string;
  nodeType: string;
  nodeTitle: string;
  errorCode?: string;
  errorMessage: string;
  errorGroup: string;
  failedAt: Date;
}

async function health(query: string): Promise<HealthResponse> {
  return (await harness.api().get(`/api/operations/health${query}`).expect(200)).body as HealthResponse;
}

test('the health view counts runs, rates, retries, 429s and names the failing step as the constraint', async () => {
  // Three tries per run (fast retries): three runs succeed, two fail on 500s, one on 429s.
  const ok = { status: 200, body: { ok: true } };
  const down = { status: 500, body: { error: 'down' } };
  const slow = { status: 429, body: { error: 'slow down' } };
  const url = target.script('/orders', [ok, ok, ok, down, down, down, down, down, down, slow, slow, slow]);
  const document = webhookToHttpDocument(url, 'core.manual');
  const flow = (await harness.api().post('/api/flows').send({ name: 'Orders to ERP', document }).expect(201))
    .body as FlowDetail;
  await harness.api().post(`/api/flows/${flow.id}/publish`).expect(201);
  const runIds: string[] = [];
  for (let i = 0; i < 6; i++) {
    const started = (
      await harness
        .api()
        .post(`/api/flows/${flow.id}/runs`)
        .send({ source: 'published', payload: { name: `order ${i}` } })
        .expect(202)
    ).body as StartRunResponse;
    await awaitRun(harness.temporal, started.runId);
    runIds.push(started.runId);
  }

  // The worker flushes its reports about once a second; the backlog is served from counts a few seconds old.
  const view = await waitFor(
    'the rollup to count six runs and three open failures',
    async () => {
      const body = await health('?window=1h');
      return body.totals.runs === 6 && body.totals.dlqBacklog === 3 ? body : undefined;
    },
    { timeoutMs: 45_000 },
  );
  assert.deepEqual([view.totals.succeeded, view.totals.failed], [3, 3]);
  assert.equal(view.totals.successRate, 0.5);
  assert.equal(view.totals.retries, 3 * 2, 'each failed run tried its step three times');
  assert.equal(view.totals.tooManyRequests, 3, 'each of the three attempts the service answered 429');
  assert.equal(view.totals.dlqBacklog, 3);
  assert.ok(view.totals.p50Ms !== null && view.totals.p95Ms !== null && view.totals.p95Ms >= view.totals.p50Ms);
  assert.ok(view.totals.freshnessMs !== null);
  assert.equal(view.series.length, 60);
  assert.equal(
    view.series.reduce((sum, point) => sum + point.succeeded + point.failed, 0),
    6,
  );
  assert.equal(view.contractViolations, 0);

  const orders = view.flows.find((candidate) => candidate.flowId === flow.id);
  assert.ok(orders, 'the flow is listed');
  assert.equal(orders.name, 'Orders to ERP');
  assert.deepEqual([orders.runs, orders.failed, orders.dlqBacklog], [6, 3, 3]);
  assert.equal(orders.constraint?.nodeId, 'call');
  assert.equal(orders.constraint?.why, 'failures');
  assert.equal(orders.constraint?.failures, 3);
  const http = view.connectors.find((connector) => connector.connector === 'http');
  assert.deepEqual([http?.executions, http?.attempts, http?.failures], [6, 3 + 9, 3]);

  // Drill-down: one flow, one connector; longer windows read the hour documents and agree.
  assert.equal((await health(`?window=24h&flowId=${flow.id}`)).totals.runs, 6);
  assert.equal((await health('?window=7d&connector=http')).flows.length, 1);
  assert.equal((await health('?window=7d&connector=postgres')).flows.length, 0);

  // One failure document per failed run; the two 500s share an error group, the 429 has its own.
  const failures = await harness.db
    .collection<FailureDoc>(RUN_FAILURES_COLLECTION)
    .find({ flowId: flow.id })
    .sort({ failedAt: 1 })
    .toArray();
  assert.deepEqual(
    failures.map((failure) => failure._id),
    runIds.slice(3),
  );
  const [first, second, third] = failures;
  assert.ok(first && second && third);
  assert.equal(first.nodeId, 'call');
  assert.equal(first.nodeType, 'http.request');
  assert.equal(first.errorCode, 'HTTP 500');
  assert.match(first.errorMessage, /answered 500/);
  assert.equal(first.errorGroup, second.errorGroup);
  assert.notEqual(first.errorGroup, third.errorGroup);
  assert.equal(first.errorGroup, errorGroupOf(flow.id, 'call', first.errorMessage));
  assert.equal(third.errorCode, 'HTTP 429');
});

test('the view counts contract violations and shows what is paused', async () => {
  const flow = (
    await harness
      .api()
      .post('/api/flows')
      .send({ name: 'Paused one', document: webhookToHttpDocument(`${target.baseUrl}/none`, 'core.manual') })
      .expect(201)
  ).body as FlowDetail;
  const workspaceId = harness.admin.workspaceId;
  const violations = new ContractViolationsRepository(harness.db);
  await violations.record({ workspaceId, flowId: flow.id, outcome: 'rejected', at: new Date() });
  await violations.record({ workspaceId, flowId: flow.id, outcome: 'flagged', at: new Date() });
  await harness.api().post(`/api/flows/${flow.id}/pause`).send({ mode: 'reject' }).expect(200);
  await harness.api().post('/api/pauses/connectors/http').send({}).expect(200);
  try {
    const view = await health(`?window=1h&flowId=${flow.id}`);
    assert.equal(view.contractViolations, 2);
    assert.deepEqual(view.paused, { flows: [flow.id], connectors: ['http'] });
  } finally {
    await harness.api().delete('/api/pauses/connectors/http').expect(204);
    await harness.api().delete(`/api/flows/${flow.id}/pause`).expect(200);
  }
  assert.deepEqual((await health('?window=1h')).paused, { flows: [], connectors: [] });
});

test('a bad query is refused naming the field; the view needs a signed-in caller', async () => {
  const bad = await harness.api().get('/api/operations/health?window=2d').expect(400);
  assert.match(JSON.stringify(bad.body), /window/);
  const badConnector = await harness.api().get('/api/operations/health?connector=..%2Fx').expect(400);
  assert.match(JSON.stringify(badConnector.body), /connector/);
  const { default: request } = await import('supertest');
  await request(harness.app).get('/api/operations/health').expect(401);
});

test('runs not finished yet are shown as in progress: running on Temporal', async () => {
  const document = webhookToHttpDocument(`${target.baseUrl}/none`, 'core.manual');
  const [hook] = document.nodes;
  assert.ok(hook);
  document.nodes = [
    hook,
    {
      id: 'approve',
      type: 'core.wait',
      typeVersion: 1,
      position: { x: 200, y: 0 },
      config: { mode: 'event', eventName: 'approval', timeoutSeconds: 3600 },
    },
  ];
  document.edges = [{ id: 'e1', source: 'hook', target: 'approve' }];
  const flow = (await harness.api().post('/api/flows').send({ name: 'Waits', document }).expect(201))
    .body as FlowDetail;
  await harness.api().post(`/api/flows/${flow.id}/publish`).expect(201);
  assert.deepEqual((await health(`?window=1h&flowId=${flow.id}`)).inProgress, { running: 0, queued: 0 });
  const { runId } = (
    await harness.api().post(`/api/flows/${flow.id}/runs`).send({ source: 'published', payload: {} }).expect(202)
  ).body as StartRunResponse;
  try {
    // Temporal's visibility store lists a started run within moments.
    const view = await waitFor('the waiting run to count as running', async () => {
      const body = await health(`?window=1h&flowId=${flow.id}`);
      return body.inProgress.running === 1 ? body : undefined;
    });
    assert.equal(view.inProgress.queued, 0);
    assert.equal(view.totals.runs, 0, 'the rollups count it once it ends');
  } finally {
    await harness.temporal.workflow.getHandle(runId).terminate('test over');
  }
});
