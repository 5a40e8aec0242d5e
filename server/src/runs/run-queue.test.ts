import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { FlowDetail, RunDetail, RunSummary } from '@pipewright/api-contract';
import { freePort } from '@pipewright/devstack';
import { createKeyring } from '@pipewright/secrets';
import { Client, Connection } from '@temporalio/client';
import type express from 'express';
import request from 'supertest';
import { createApp } from '../app.ts';
import { FlowVersionsRepository } from '../flows/flow-versions.repository.ts';
import { type Harness, startHarness, TargetServer, waitFor, webhookToHttpDocument } from '../test-support.ts';
import { type QueuedRun, RunsRepository } from './runs.repository.ts';
import { RunsService } from './runs.service.ts';

/**
 * The durable accept: a run is recorded, queued, before Temporal is asked to start it.  A server whose Temporal is
 * unreachable (an outage, or a server killed between accepting and starting) still answers 202 and lists the run as
 * queued; any server sweeping the queue starts it later, once.
 */
let harness: Harness;
const target = new TargetServer();
let offline: express.Express;
let offlineConnection: Connection;

before(async () => {
  await target.start();
  harness = await startHarness({ worker: true });
  // The same database, a Temporal nobody listens for; no retries, so each start fails at once.
  offlineConnection = await Connection.lazy({ address: `127.0.0.1:${await freePort()}`, interceptors: [] });
  offline = await createApp({
    db: harness.db,
    temporal: new Client({ connection: offlineConnection }),
    taskQueue: harness.taskQueue,
    keyring: createKeyring({ keys: [{ id: 'test', key: randomBytes(32) }], primary: 'test' }),
    log: () => {},
  });
});
after(async () => {
  await offlineConnection?.close();
  await harness?.stop();
  await target.stop();
});

async function publishedWebhookFlow(name: string, config: Record<string, unknown>): Promise<FlowDetail> {
  const document = webhookToHttpDocument(target.script(`/${name}`, [{ status: 200, body: { ok: name } }]));
  const trigger = document.nodes[0];
  if (trigger) trigger.config = { method: 'POST', ...config };
  const flow = (await harness.api().post('/api/flows').send({ name, document }).expect(201)).body as FlowDetail;
  await harness.api().post(`/api/flows/${flow.id}/publish`).expect(201);
  return flow;
}

/** A server that sweeps the queue, as every server process does (main.ts), until `stop`. */
function sweepingServer(): { stop(): void } {
  const runs = new RunsService({
    runs: new RunsRepository(harness.db),
    versions: new FlowVersionsRepository(harness.db),
    temporal: harness.temporal,
    taskQueue: harness.taskQueue,
    log: () => {},
  });
  runs.starter.startSweeping();
  return { stop: () => runs.starter.stopSweeping() };
}

const runOf = async (runId: string) => (await harness.api().get(`/api/runs/${runId}`).expect(200)).body as RunDetail;

describe('runs accepted while Temporal is unreachable', () => {
  test('answer 202, show as queued in the list and the run, and run once when a server sweeps the queue', async () => {
    const flow = await publishedWebhookFlow('queued-delivery', {});
    const deliver = () =>
      request(offline).post(String(flow.webhookPath)).set('idempotency-key', 'order-7').send({ order: 7 }).expect(202);
    const first = await deliver();
    const runId = (first.body as { runId: string }).runId;
    const again = await deliver();
    assert.deepEqual(
      [again.body, again.headers['x-pipewright-duplicate']],
      [{ runId }, 'true'],
      'a repeated delivery of a queued run is that run',
    );

    const queued = await runOf(runId);
    assert.equal(queued.status, 'queued');
    assert.deepEqual(queued.nodes, {});
    const listed = (await harness.api().get(`/api/runs?flowId=${flow.id}`).expect(200)).body as { items: RunSummary[] };
    assert.deepEqual(
      listed.items.map((run) => [run.id, run.status]),
      [[runId, 'queued']],
    );
    assert.equal(target.requests.filter((hit) => hit.path === '/queued-delivery').length, 0, 'nothing ran yet');

    const sweeper = sweepingServer();
    try {
      const done = await waitFor('the queued run to be started and finish', async () => {
        const run = await runOf(runId);
        return run.status === 'succeeded' ? run : undefined;
      });
      assert.equal(done.nodes.call?.status, 'succeeded');
    } finally {
      sweeper.stop();
    }
    assert.equal(target.requests.filter((hit) => hit.path === '/queued-delivery').length, 1, 'the step ran once');
  });

  test('a webhook that waits for its run answers 202 queued instead of waiting for a run that cannot start', async () => {
    const flow = await publishedWebhookFlow('queued-wait', { responseMode: 'waitForRun', responseTimeoutMs: 5000 });
    const answer = await request(offline).post(String(flow.webhookPath)).send({ order: 8 }).expect(202);
    const { runId, status } = answer.body as { runId: string; status: string };
    assert.equal(status, 'queued');
    assert.equal((await runOf(runId)).status, 'queued');
  });
});

describe('accepts written together', () => {
  test('a burst is queued in one write: each run once, a repeated id (earlier or in the same burst) a duplicate', async () => {
    const repository = new RunsRepository(harness.db);
    const queued = (id: string): QueuedRun => ({
      _id: id,
      workspaceId: 'ws_burst',
      flowId: 'flow_burst',
      flowName: 'burst',
      version: 1,
      trigger: 'webhook',
      startedAt: new Date(),
      queued: true,
      pendingStartJson: JSON.stringify({ id }),
    });
    const suffix = randomBytes(4).toString('hex');
    const [a, b, c] = ['a', 'b', 'c'].map((name) => `run_burst_${name}_${suffix}`);
    assert.ok(a && b && c);
    // The first is written alone; the rest arrive while it is in flight and go together.
    const accepted = await Promise.all([
      repository.enqueue(queued(a)),
      repository.enqueue(queued(b)),
      repository.enqueue(queued(a)),
      repository.enqueue(queued(c)),
      repository.enqueue(queued(c)),
    ]);
    assert.deepEqual(accepted, [true, true, false, true, false]);
    for (const id of [a, b, c]) {
      assert.equal((await repository.findQueuedById('ws_burst', id))?._id, id, `${id} is queued`);
    }

    // Started runs are indexed and leave the queue, together too; indexing one again changes nothing.
    const { queued: _queued, pendingStartJson: _start, ...record } = queued(a);
    await Promise.all([a, b, a].map((id) => repository.indexAndDequeue({ ...record, _id: id })));
    for (const id of [a, b]) {
      assert.equal(await repository.findQueuedById('ws_burst', id), null, `${id} left the queue`);
      assert.equal((await repository.findById('ws_burst', id))?._id, id, `${id} is indexed`);
    }
    assert.equal((await repository.findQueuedById('ws_burst', c))?._id, c, 'a run not started stays queued');
  });
});
