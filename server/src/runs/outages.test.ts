import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { FlowDetail, RunDetail } from '@pipewright/api-contract';
import { getTestStack, hostAndPort, type OutageProxy, startOutageProxy } from '@pipewright/devstack';
import { createKeyring } from '@pipewright/secrets';
import { Client, Connection } from '@temporalio/client';
import type express from 'express';
import { MongoClient } from 'mongodb';
import request from 'supertest';
import { createApp } from '../app.ts';
import { type Harness, startHarness, TargetServer, waitFor, webhookToHttpDocument } from '../test-support.ts';

/**
 * A server whose database or Temporal goes away answers at once with 503 and Retry-After, names what is missing,
 * and serves again when it is back, without a restart; no request answered 5xx leaves a run behind.  The outages
 * are real: the server reaches FerretDB and Temporal through TCP proxies that cut every connection and refuse new
 * ones (devstack outage-proxy.ts).
 */
let harness: Harness;
const target = new TargetServer();
let dbProxy: OutageProxy;
let engineProxy: OutageProxy;
let mongo: MongoClient;
let engine: Connection;
let app: express.Express;

before(async () => {
  await target.start();
  harness = await startHarness({ worker: true });
  const stack = await getTestStack();
  dbProxy = await startOutageProxy(hostAndPort(stack.mongoUri));
  engineProxy = await startOutageProxy(hostAndPort(stack.temporalAddress));
  // The server's settings (config.ts), shortened: a request waits 500 ms for the database, a start 1 s for Temporal.
  mongo = await new MongoClient(`mongodb://${dbProxy.address}/`, { serverSelectionTimeoutMS: 500 }).connect();
  engine = await Connection.connect({ address: engineProxy.address });
  app = await createApp({
    db: mongo.db(harness.db.databaseName),
    temporal: new Client({ connection: engine }),
    taskQueue: harness.taskQueue,
    keyring: createKeyring({ keys: [{ id: 'test', key: randomBytes(32) }], primary: 'test' }),
    engineWaitMs: 1_000,
    sweepQueuedRuns: true,
    log: () => {},
  });
});
after(async () => {
  await Promise.allSettled([dbProxy?.up(), engineProxy?.up()]);
  await Promise.allSettled([mongo?.close(), engine?.close()]);
  await Promise.allSettled([dbProxy?.close(), engineProxy?.close()]);
  await harness?.stop();
  await target.stop();
});

async function publishedWebhookFlow(name: string): Promise<FlowDetail> {
  const document = webhookToHttpDocument(target.script(`/${name}`, [{ status: 200, body: { ok: name } }]));
  const flow = (await harness.api().post('/api/flows').send({ name, document }).expect(201)).body as FlowDetail;
  await harness.api().post(`/api/flows/${flow.id}/publish`).expect(201);
  return flow;
}

const api = () => request.agent(app).set('authorization', `Bearer ${harness.admin.token}`);
const runsOf = async (flowId: string) =>
  (await harness.api().get(`/api/runs?flowId=${flowId}`).expect(200)).body as { items: { id: string }[] };

describe('the database is unreachable', () => {
  test('webhooks and API calls answer 503 with Retry-After, start no run, and work again once it is back', async () => {
    const flow = await publishedWebhookFlow('db-outage');
    await dbProxy.down();
    try {
      const started = Date.now();
      const delivery = await request(app).post(String(flow.webhookPath)).send({ name: 'during' });
      const waited = Date.now() - started;
      assert.equal(delivery.status, 503);
      assert.equal(delivery.headers['retry-after'], '5');
      assert.equal((delivery.body as { error: { code: string } }).error.code, 'database_unavailable');
      assert.match((delivery.body as { error: { message: string } }).error.message, /database cannot be reached/);
      // Held for the server selection timeout (500 ms here), not the driver's default 30 s.
      assert.ok(waited < 10_000, `answered after ${waited} ms`);

      const listing = await api().get('/api/flows');
      assert.deepEqual([listing.status, listing.headers['retry-after']], [503, '5']);
    } finally {
      await dbProxy.up();
    }
    assert.deepEqual((await runsOf(flow.id)).items, [], 'a delivery answered 503 left no run');

    const accepted = await waitFor('the server to accept deliveries again', async () => {
      const answer = await request(app).post(String(flow.webhookPath)).send({ name: 'after' });
      return answer.status === 202 ? (answer.body as { runId: string }) : undefined;
    });
    const done = await waitFor('the run accepted after the outage to finish', async () => {
      const run = (await harness.api().get(`/api/runs/${accepted.runId}`).expect(200)).body as RunDetail;
      return run.status === 'succeeded' ? run : undefined;
    });
    assert.equal(done.nodes.call?.status, 'succeeded');
  });
});

describe('Temporal is unreachable', () => {
  test('a run started from the API is recorded as queued within the start deadline and runs once Temporal is back', async () => {
    const flow = await publishedWebhookFlow('engine-outage');
    await engineProxy.down();
    let runId: string;
    try {
      const started = Date.now();
      const answer = await api()
        .post(`/api/flows/${flow.id}/runs`)
        .send({ payload: { name: 'queued' } });
      const waited = Date.now() - started;
      assert.equal(answer.status, 202);
      const body = answer.body as { runId: string; queued?: boolean };
      assert.equal(body.queued, true, 'the answer says the run is queued, not running');
      runId = body.runId;
      // The start deadline (1 s here), not the client's minute of retries.
      assert.ok(waited < 15_000, `answered after ${waited} ms`);
      const run = (await api().get(`/api/runs/${runId}`).expect(200)).body as RunDetail;
      assert.equal(run.status, 'queued');

      const delivery = await request(app).post(String(flow.webhookPath)).send({ name: 'hook' }).expect(202);
      assert.equal((delivery.body as { runId: string }).runId.length > 0, true);
    } finally {
      await engineProxy.up();
    }
    // The sweep (every second) starts both once the engine answers again.
    for (const run of (await runsOf(flow.id)).items) {
      await waitFor(`run ${run.id} to finish after the outage`, async () => {
        const detail = (await harness.api().get(`/api/runs/${run.id}`).expect(200)).body as RunDetail;
        return detail.status === 'succeeded' ? detail : undefined;
      });
    }
    assert.equal((await runsOf(flow.id)).items.length, 2);
    assert.equal(target.requests.filter((hit) => hit.path === '/engine-outage').length, 2, 'each run called once');
  });

  test('reading a run while Temporal is away answers 503 with Retry-After', async () => {
    const flow = await publishedWebhookFlow('engine-read');
    const { runId } = (
      await api()
        .post(`/api/flows/${flow.id}/runs`)
        .send({ payload: { name: 'r' } })
        .expect(202)
    ).body as { runId: string };
    await engineProxy.down();
    try {
      const answer = await api().get(`/api/runs/${runId}`);
      assert.deepEqual(
        [answer.status, answer.headers['retry-after'], (answer.body as { error: { code: string } }).error.code],
        [503, '5', 'engine_unavailable'],
      );
    } finally {
      await engineProxy.up();
    }
  });
});
