import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FlowDetail, WaitingRunsView } from '@pipewright/api-contract';
import { getTestStack } from '@pipewright/devstack';
import { type RunningWorker, startWorker } from '@pipewright/worker';
import request from 'supertest';
import {
  awaitRun,
  type Harness,
  provisionWorkspace,
  type SignedInUser,
  signedInAgent,
  startHarness,
} from '../test-support.ts';
import { seqFlowDocument } from './test-flows.ts';

/**
 * Admission control and waiting counts on the real stack (docs/adr/027): while no worker polls, accepted webhook runs
 * wait; past the flow's and then the workspace's ceiling deliveries are answered 429 with Retry-After and counted;
 * another workspace is not refused; once a worker begins the runs, nothing waits and deliveries are taken again.
 */
const document = seqFlowDocument('core.webhook');

async function publish(harness: Harness, user: SignedInUser, name: string): Promise<FlowDetail> {
  const api = signedInAgent(harness.app, user.token);
  const flow = (await api.post('/api/flows').send({ name, document }).expect(201)).body as FlowDetail;
  await api.post(`/api/flows/${flow.id}/publish`).expect(201);
  return flow;
}

const deliver = (harness: Harness, flow: FlowDetail, seq: number) =>
  request(harness.app).post(String(flow.webhookPath)).send({ seq });

async function waitingView(harness: Harness, user: SignedInUser): Promise<WaitingRunsView> {
  return (await signedInAgent(harness.app, user.token).get('/api/waiting-runs').expect(200)).body as WaitingRunsView;
}

/** Polls the view until `done` holds (the counts are written about once a second); fails naming what it last saw. */
async function waitingUntil(
  harness: Harness,
  user: SignedInUser,
  done: (view: WaitingRunsView) => boolean,
  what: string,
): Promise<WaitingRunsView> {
  const deadline = Date.now() + 30_000;
  let view = await waitingView(harness, user);
  while (!done(view)) {
    if (Date.now() > deadline) assert.fail(`${what}; last seen ${JSON.stringify(view)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    view = await waitingView(harness, user);
  }
  return view;
}

test('past a ceiling of waiting runs webhooks get 429 with Retry-After, counted; other workspaces go on; a worker drains them', async () => {
  const harness = await startHarness({
    worker: false,
    sweepQueuedRuns: true,
    admission: { perWorkspace: 6, perFlow: 4, retryAfterSeconds: 7, windowMinutes: 60 },
  });
  let worker: RunningWorker | undefined;
  try {
    const orders = await publish(harness, harness.admin, 'Orders');
    const invoices = await publish(harness, harness.admin, 'Invoices');
    const accepted: string[] = [];
    for (let seq = 0; seq < 4; seq++) {
      accepted.push(((await deliver(harness, orders, seq).expect(202)).body as { runId: string }).runId);
    }
    const overFlow = await deliver(harness, orders, 4).expect(429);
    assert.equal(overFlow.headers['retry-after'], '7');
    assert.equal((overFlow.body as { error: { code: string } }).error.code, 'too_many_waiting_runs');
    assert.match(
      (overFlow.body as { error: { message: string } }).error.message,
      /Flow "Orders" has 4 runs waiting to start, at its ceiling of 4 \(PIPEWRIGHT_MAX_WAITING_RUNS_PER_FLOW\)/,
    );

    for (let seq = 0; seq < 2; seq++) {
      accepted.push(((await deliver(harness, invoices, seq).expect(202)).body as { runId: string }).runId);
    }
    const overWorkspace = await deliver(harness, invoices, 2).expect(429);
    assert.match(
      (overWorkspace.body as { error: { message: string } }).error.message,
      /This workspace has 6 runs waiting to start, at its ceiling of 6 \(PIPEWRIGHT_MAX_WAITING_RUNS_PER_WORKSPACE\)/,
    );

    // Another workspace's deliveries are not refused for this one's backlog.
    const other = await provisionWorkspace(harness.app, harness.db);
    const otherFlow = await publish(harness, other, 'Other');
    await deliver(harness, otherFlow, 0).expect(202);

    const backlog = await waitingUntil(harness, harness.admin, (view) => view.refused === 2, 'two refusals counted');
    assert.equal(backlog.waiting, 6);
    assert.deepEqual(
      backlog.flows.map((flow) => [flow.flowName, flow.waiting, flow.refused]),
      [
        ['Orders', 4, 1],
        ['Invoices', 2, 1],
      ],
    );
    assert.ok(
      backlog.oldestAgeMs !== null && backlog.oldestAgeMs >= 0 && backlog.oldestAgeMs < 60_000,
      `the oldest waiting run was accepted within the test, not ${backlog.oldestAgeMs} ms ago`,
    );
    assert.deepEqual(backlog.ceilings, { workspace: 6, flow: 4 });
    assert.equal((await waitingView(harness, other)).waiting, 1, 'the other workspace counts its own run only');

    // A worker begins the runs: they stop waiting, and the flow takes deliveries again.
    const stack = await getTestStack();
    worker = await startWorker({
      temporalAddress: stack.temporalAddress,
      taskQueue: harness.taskQueue,
      mongo: { uri: stack.mongoUri, dbName: harness.db.databaseName },
    });
    await Promise.all(accepted.map((runId) => awaitRun(harness.temporal, runId)));
    const drained = await waitingUntil(harness, harness.admin, (view) => view.waiting === 0, 'nothing waits');
    assert.equal(drained.oldestAgeMs, null);
    const again = await deliver(harness, orders, 5).expect(202);
    await awaitRun(harness.temporal, (again.body as { runId: string }).runId);
  } finally {
    await worker?.shutdown();
    await harness.stop();
  }
});

test('a flow’s own ceiling and the workspace’s own ceiling only lower the instance’s, and bad values are refused naming the field', async () => {
  const harness = await startHarness({
    worker: false,
    sweepQueuedRuns: true,
    admission: { perWorkspace: 100, perFlow: 50, retryAfterSeconds: 5, windowMinutes: 60 },
  });
  try {
    const api = signedInAgent(harness.app, harness.admin.token);
    // The flow's settings: at most 2 waiting.
    const limited = (
      await api
        .post('/api/flows')
        .send({ name: 'Limited', document: { ...document, settings: { maxWaitingRuns: 2 } } })
        .expect(201)
    ).body as FlowDetail;
    await api.post(`/api/flows/${limited.id}/publish`).expect(201);
    await deliver(harness, limited, 0).expect(202);
    await deliver(harness, limited, 1).expect(202);
    const refused = await deliver(harness, limited, 2).expect(429);
    assert.match(
      (refused.body as { error: { message: string } }).error.message,
      /Flow "Limited" has 2 runs waiting to start, at its ceiling of 2 \(the flow's settings\)/,
    );
    const badFlow = await api
      .post('/api/flows')
      .send({ name: 'Bad', document: { ...document, settings: { maxWaitingRuns: 0 } } })
      .expect(400);
    assert.match(JSON.stringify(badFlow.body), /settings\.maxWaitingRuns/);

    // The workspace's own ceiling: 3 (the two waiting above count).
    const put = await api.put('/api/fairness').send({ maxWaitingRuns: 3 }).expect(200);
    assert.deepEqual(
      [put.body.maxWaitingRuns, put.body.instanceMaxWaitingRuns, put.body.weight],
      [3, 100, 1],
      'the ceiling is set and the weight kept',
    );
    const other = await publish(harness, harness.admin, 'Other');
    await deliver(harness, other, 0).expect(202);
    // The workspace's ceiling is read through a cache of a few seconds: wait for it to apply.
    const deadline = Date.now() + 15_000;
    let answer = await deliver(harness, other, 1);
    while (answer.status === 202 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      answer = await deliver(harness, other, 1);
    }
    assert.equal(answer.status, 429);
    assert.match((answer.body as { error: { message: string } }).error.message, /the workspace's Limits page/);

    const tooHigh = await api.put('/api/fairness').send({ maxWaitingRuns: 101 }).expect(400);
    assert.match(
      (tooHigh.body as { error: { message: string } }).error.message,
      /^maxWaitingRuns: must be at most 100/,
    );
    const notWhole = await api.put('/api/fairness').send({ maxWaitingRuns: 2.5 }).expect(400);
    assert.match((notWhole.body as { error: { message: string } }).error.message, /^maxWaitingRuns: /);
    await api.put('/api/fairness').send({}).expect(400);
    const cleared = await api.put('/api/fairness').send({ maxWaitingRuns: null }).expect(200);
    assert.equal(cleared.body.maxWaitingRuns, null);
    const viewer = await signedInAgent(harness.app, harness.admin.token).get('/api/fairness').expect(200);
    assert.equal(viewer.body.maxWaitingRuns, null);
  } finally {
    await harness.stop();
  }
});
