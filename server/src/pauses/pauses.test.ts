import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type {
  AuditEntryView,
  CredentialSummary,
  FlowDetail,
  FlowPauseState,
  PausesView,
  RunDetail,
  RunSummary,
} from '@pipewright/api-contract';
import { getTestStack, uniqueName } from '@pipewright/devstack';
import { pollScheduleIdOf } from '@pipewright/run-contract';
import { createKeyring } from '@pipewright/secrets';
import { type RunningWorker, startWorker } from '@pipewright/worker';
import { Client, Connection } from '@temporalio/client';
import type express from 'express';
import { type Db, MongoClient } from 'mongodb';
import request from 'supertest';
import { createApp } from '../app.ts';
import { FlowsRepository } from '../flows/flows.repository.ts';
import { HeldRunsRepository } from '../runs/held-runs.repository.ts';
import { RunsRepository } from '../runs/runs.repository.ts';
import { scheduleIdOf } from '../schedules/schedules.service.ts';
import {
  awaitRun,
  createSignedInAgent,
  provisionWorkspace,
  type SignedInUser,
  signedInAgent,
  signUpFirstUser,
  TargetServer,
  type TestDocument,
  waitFor,
  webhookToHttpDocument,
} from '../test-support.ts';

/**
 * Kill switches through the real stack: FerretDB, Temporal, the app and a worker that reads pauses with a short
 * cache.  The worker and the app share a master key, so steps can use the credentials the API creates.
 */
const target = new TargetServer();
let db: Db;
let mongo: MongoClient;
let connection: Connection;
let temporal: Client;
let worker: RunningWorker | undefined;
let app: express.Express;
let admin: SignedInUser;
const flowsCreated: string[] = [];
/**
 * The worker reads the pause list for every step here (no cache): a pause is seen by every step that starts after
 * the API answered, so a test never has to wait out a cache.  (Deployed, a pause takes effect within the cache.)
 */
const PAUSE_CACHE_MS = 0;

before(async () => {
  await target.start();
  const stack = await getTestStack();
  mongo = await new MongoClient(stack.mongoUri).connect();
  db = mongo.db(uniqueName('pauses'));
  connection = await Connection.connect({ address: stack.temporalAddress });
  temporal = new Client({ connection });
  const taskQueue = uniqueName('tq');
  const keyring = createKeyring({ keys: [{ id: 'test', key: randomBytes(32) }], primary: 'test' });
  worker = await startWorker({
    temporalAddress: stack.temporalAddress,
    taskQueue,
    http: { allowPrivateNetworks: true },
    mongo: { uri: stack.mongoUri, dbName: db.databaseName },
    keyring,
    pauseCacheMs: PAUSE_CACHE_MS,
  });
  app = await createApp({ db, temporal, taskQueue, keyring, log: () => {}, pausedRetryAfterSeconds: 42 });
  admin = await signUpFirstUser(app);
});
after(async () => {
  // A deleted flow's schedule is deleted: none may outlive the test on the shared Temporal.
  for (const id of flowsCreated) await api().delete(`/api/flows/${id}`);
  await worker?.shutdown();
  await db?.dropDatabase().catch(() => {});
  await Promise.allSettled([mongo?.close(), connection?.close()]);
  await target.stop();
});

const api = () => signedInAgent(app, admin.token);

async function publishedFlow(name: string, document: TestDocument): Promise<FlowDetail> {
  const flow = (await api().post('/api/flows').send({ name, document }).expect(201)).body as FlowDetail;
  flowsCreated.push(flow.id);
  await api().post(`/api/flows/${flow.id}/publish`).expect(201);
  return flow;
}

/** webhook → HTTP POST of `{ name }` to a path of the local target that answers 200. */
function webhookFlow(name: string): Promise<FlowDetail> {
  return publishedFlow(name, webhookToHttpDocument(target.script(`/${name}`, [{ status: 200, body: { ok: name } }])));
}

const callsTo = (path: string) => target.requests.filter((hit) => hit.path === path);
const runOf = async (runId: string) => (await api().get(`/api/runs/${runId}`).expect(200)).body as RunDetail;

async function auditActions(): Promise<{ action: string; target: { id: string }; details?: unknown }[]> {
  const { items } = (await api().get('/api/audit?limit=200').expect(200)).body as { items: AuditEntryView[] };
  return items;
}

describe('a paused flow', () => {
  test('mode reject: its webhook answers 503 with Retry-After naming the flow; manual runs still start; resume takes deliveries again', async () => {
    const flow = await webhookFlow('reject-me');
    const paused = (await api().post(`/api/flows/${flow.id}/pause`).send({ mode: 'reject', reason: 'vendor outage' }))
      .body as FlowPauseState;
    assert.equal(paused.paused?.mode, 'reject');
    assert.equal(paused.paused?.reason, 'vendor outage');
    assert.equal(paused.paused?.by.email, admin.email);

    const refused = await request(app).post(flow.webhookPath).send({ name: 'x' }).expect(503);
    assert.equal(refused.headers['retry-after'], '42');
    assert.equal(refused.body.error.code, 'flow_paused');
    assert.match(refused.body.error.message, /Flow "reject-me" is paused/);
    assert.equal(callsTo('/reject-me').length, 0);

    // As in n8n, a flow that takes no deliveries can still be run by hand.
    const manual = (
      await api()
        .post(`/api/flows/${flow.id}/runs`)
        .send({ source: 'published', payload: { name: 'm' } })
    ).body as { runId: string };
    await awaitRun(temporal, manual.runId);
    assert.equal((await runOf(manual.runId)).status, 'succeeded');

    const listed = (await api().get(`/api/flows`).expect(200)).body as { items: { id: string; paused?: unknown }[] };
    assert.ok(listed.items.find((item) => item.id === flow.id)?.paused, 'the flow list shows the pause');

    await api().delete(`/api/flows/${flow.id}/pause`).expect(200);
    const accepted = await request(app).post(flow.webhookPath).send({ name: 'after' }).expect(202);
    await awaitRun(temporal, (accepted.body as { runId: string }).runId);
    assert.equal(callsTo('/reject-me').length, 2, 'the manual run and the delivery after the resume');

    const actions = (await auditActions()).filter((entry) => entry.target.id === flow.id).map((entry) => entry.action);
    assert.ok(actions.includes('flow.pause') && actions.includes('flow.resume'), actions.join(', '));
  });

  test('mode queue: deliveries are accepted and held, other flows run, a repeated delivery id is the same run; resume starts them in order, once each', async () => {
    const held = await webhookFlow('hold-me');
    const other = await webhookFlow('keep-going');
    await api().post(`/api/flows/${held.id}/pause`).send({ mode: 'queue' }).expect(200);

    const runIds: string[] = [];
    for (const name of ['one', 'two', 'three']) {
      const answer = await request(app)
        .post(held.webhookPath)
        .set('idempotency-key', `delivery-${name}`)
        .send({ name })
        .expect(202);
      assert.equal(answer.body.status, 'held');
      runIds.push(answer.body.runId as string);
    }
    const repeated = await request(app)
      .post(held.webhookPath)
      .set('idempotency-key', 'delivery-two')
      .send({ name: 'two' })
      .expect(202);
    assert.deepEqual([repeated.body.runId, repeated.headers['x-pipewright-duplicate']], [runIds[1], 'true']);

    // Another flow's delivery runs to the end while the paused flow's runs wait.
    const otherRun = (await request(app).post(other.webhookPath).send({ name: 'other' }).expect(202)).body as {
      runId: string;
    };
    await awaitRun(temporal, otherRun.runId);
    assert.equal((await runOf(otherRun.runId)).status, 'succeeded');
    assert.equal(callsTo('/hold-me').length, 0, 'no held run started');

    const state = (await api().get(`/api/flows/${held.id}/pause`).expect(200)).body as FlowPauseState;
    assert.equal(state.heldRuns, 3);
    const pauses = (await api().get('/api/pauses').expect(200)).body as PausesView;
    assert.deepEqual(
      pauses.flows.filter((flow) => flow.flowId === held.id).map((flow) => [flow.flowName, flow.mode, flow.heldRuns]),
      [['hold-me', 'queue', 3]],
    );
    for (const runId of runIds) assert.equal((await runOf(runId)).status, 'queued', `${runId} shows as queued`);
    const { items } = (await api().get(`/api/runs?flowId=${held.id}`).expect(200)).body as { items: RunSummary[] };
    assert.deepEqual(items.map((run) => run.status).sort(), ['queued', 'queued', 'queued']);

    const resumeAt = Date.now();
    const resumed = (await api().delete(`/api/flows/${held.id}/pause`).expect(200)).body as FlowPauseState & {
      released: number;
    };
    assert.deepEqual([resumed.paused, resumed.heldRuns, resumed.released], [null, 0, 3]);
    for (const runId of runIds) {
      await awaitRun(temporal, runId);
      assert.equal((await runOf(runId)).status, 'succeeded');
    }
    const calls = callsTo('/hold-me');
    assert.equal(calls.length, 3, 'each held run ran once');
    const started = await Promise.all(runIds.map(async (runId) => (await runOf(runId)).startedAt));
    assert.deepEqual([...started].sort(), started, 'the runs keep the order they were accepted in');
    // The queue is drained oldest first: released runs keep their accept times, so they go ahead of later runs.
    assert.ok(
      started.every((at) => Date.parse(at) < resumeAt),
      'accept times kept, not the time of the resume',
    );
    const again = await request(app)
      .post(held.webhookPath)
      .set('idempotency-key', 'delivery-one')
      .send({ name: 'one' })
      .expect(202);
    assert.equal(again.body.runId, runIds[0], 'after the resume the delivery id still names its run');
  });

  test('a resume that dies midway (runs queued, not yet out of the hold) is finished by a sweeping server: each run once', async () => {
    const flow = await webhookFlow('crash-midway');
    await api().post(`/api/flows/${flow.id}/pause`).send({ mode: 'queue' }).expect(200);
    const runIds: string[] = [];
    for (const name of ['a', 'b', 'c']) {
      runIds.push((await request(app).post(flow.webhookPath).send({ name }).expect(202)).body.runId as string);
    }
    // What resumeFlow had written when its server died: the release mark, the pause lifted, the runs queued but
    // still held (the next step would have taken them out of the hold).
    const held = new HeldRunsRepository(db);
    await held.markReleasing(admin.workspaceId, flow.id, new Date());
    await new FlowsRepository(db).setPaused(admin.workspaceId, flow.id, null);
    await new RunsRepository(db).requeue(await held.oldest(admin.workspaceId, flow.id, 100));

    // Any server process sweeps: the queue (starting the runs) and unfinished releases (queueing them once more).
    await createApp({ db, temporal, taskQueue: worker?.taskQueue ?? '', log: () => {}, sweepQueuedRuns: true });
    for (const runId of runIds) await succeeded(runId);
    await waitFor('the release to be finished', async () =>
      (await held.countForFlow(admin.workspaceId, flow.id)) === 0 &&
      (await held.unfinishedReleases()).every((release) => release.flowId !== flow.id)
        ? true
        : undefined,
    );
    const queue = new RunsRepository(db);
    await waitFor('the queue to be empty of these runs', async () => {
      for (const runId of runIds) if (await queue.findQueuedById(admin.workspaceId, runId)) return undefined;
      return true;
    });
    assert.equal(callsTo('/crash-midway').length, 3, 'each run ran once');
  });

  test('its schedule stops firing while paused, and fires again on resume', async () => {
    const document = webhookToHttpDocument(target.script('/tick', [{ status: 200, body: { tick: true } }]));
    const trigger = document.nodes[0];
    if (trigger) Object.assign(trigger, { type: 'core.schedule', config: { mode: 'interval', intervalSeconds: 1 } });
    const flow = await publishedFlow('ticking', document);
    const schedule = () => temporal.schedule.getHandle(scheduleIdOf(flow.id)).describe();
    await waitFor('the schedule to fire once', async () =>
      (await schedule()).info.numActionsTaken >= 1 ? true : undefined,
    );

    await api().post(`/api/flows/${flow.id}/pause`).send({ mode: 'reject' }).expect(200);
    const pausedState = (await schedule()).state;
    assert.deepEqual([pausedState.paused, pausedState.note], [true, 'Paused with the flow']);
    const takenAtPause = (await schedule()).info.numActionsTaken;
    // "No run happens" has no event of its own: a twin schedule on the same 1 s grid fires twice meanwhile.
    const twin = await publishedFlow('ticking twin', document);
    await waitFor('two runs of the twin schedule', async () =>
      (await temporal.schedule.getHandle(scheduleIdOf(twin.id)).describe()).info.numActionsTaken >= 2
        ? true
        : undefined,
    );
    assert.equal((await schedule()).info.numActionsTaken, takenAtPause, 'a paused flow’s schedule starts no runs');

    // A publish while paused keeps the schedule paused.
    await api().post(`/api/flows/${flow.id}/publish`).expect(201);
    assert.equal((await schedule()).state.paused, true);

    await api().delete(`/api/flows/${flow.id}/pause`).expect(200);
    assert.equal((await schedule()).state.paused, false);
    await waitFor('the schedule to fire again', async () =>
      (await schedule()).info.numActionsTaken > takenAtPause ? true : undefined,
    );
  });

  test('its polls stop while paused, also across a publish, and go on after resume', async () => {
    const document: TestDocument = {
      schemaVersion: 1,
      nodes: [
        {
          id: 'feed',
          type: 'http.poll',
          typeVersion: 1,
          position: { x: 0, y: 0 },
          config: { url: target.script('/feed', [{ status: 200, body: [] }]), idField: 'id', intervalSeconds: 1 },
        },
      ],
      edges: [],
    };
    const flow = await publishedFlow('polling', document);
    const poll = () => temporal.schedule.getHandle(pollScheduleIdOf(flow.id)).describe();
    await waitFor('the first poll', async () => ((await poll()).info.numActionsTaken >= 1 ? true : undefined));
    await api().post(`/api/flows/${flow.id}/pause`).send({ mode: 'queue' }).expect(200);
    assert.deepEqual([(await poll()).state.paused, (await poll()).state.note], [true, 'Paused with the flow']);
    await api().post(`/api/flows/${flow.id}/publish`).expect(201);
    assert.equal((await poll()).state.paused, true, 'a publish while paused keeps the polls paused');
    await api().delete(`/api/flows/${flow.id}/pause`).expect(200);
    assert.equal((await poll()).state.paused, false);
  });

  test('pausing takes a known mode, from a builder, on a flow of the caller’s workspace', async () => {
    const flow = await webhookFlow('picky');
    const bad = await api().post(`/api/flows/${flow.id}/pause`).send({ mode: 'later' }).expect(400);
    assert.match(bad.body.error.message, /^mode/);
    await api().post(`/api/flows/flow_nope/pause`).send({ mode: 'reject' }).expect(404);
    const other = await provisionWorkspace(app, db);
    await signedInAgent(app, other.token).post(`/api/flows/${flow.id}/pause`).send({ mode: 'reject' }).expect(404);
    const viewer = await createSignedInAgent({ app, admin }, { role: 'viewer' });
    await viewer.agent().post(`/api/flows/${flow.id}/pause`).send({ mode: 'reject' }).expect(403);
    await viewer.agent().get('/api/pauses').expect(200);
  });
});

/** The run's `call` node once it waits on a pause. */
async function waitingOnPause(runId: string): Promise<RunDetail> {
  return waitFor(`run ${runId}'s HTTP step to wait on the pause`, async () => {
    const run = await runOf(runId);
    return run.nodes.call?.status === 'waiting' && run.nodes.call.pausedBy ? run : undefined;
  });
}

async function succeeded(runId: string): Promise<RunDetail> {
  await awaitRun(temporal, runId);
  // A run still listed in the hold or the queue (a release in progress) reads as queued until it leaves them.
  const run = await waitFor(`run ${runId} to read as ended`, async () => {
    const detail = await runOf(runId);
    return detail.status === 'queued' ? undefined : detail;
  });
  assert.equal(run.status, 'succeeded', JSON.stringify(run.error));
  return run;
}

describe('a paused connector type or credential', () => {
  test('a running flow’s HTTP step waits while "http" is paused (no call), and on resume succeeds on its first attempt', async (t) => {
    const flow = await webhookFlow('connector-wait');
    // A failed test must not leave "http" paused for the next.
    t.after(() => api().delete('/api/pauses/connectors/http'));
    const pausedView = await api().post('/api/pauses/connectors/http').send({ reason: 'rate trouble' }).expect(200);
    assert.equal(pausedView.body.connector, 'http');

    const { runId } = (await request(app).post(flow.webhookPath).send({ name: 'c' }).expect(202)).body as {
      runId: string;
    };
    const waiting = await waitingOnPause(runId);
    assert.deepEqual(waiting.nodes.call?.pausedBy, { kind: 'connector', id: 'http' });
    assert.equal(callsTo('/connector-wait').length, 0, 'no request while paused');
    const pauses = (await api().get('/api/pauses').expect(200)).body as PausesView;
    assert.deepEqual(
      pauses.connectors.map((pause) => [pause.connector, pause.reason, pause.by.email]),
      [['http', 'rate trouble', admin.email]],
    );

    await api().delete('/api/pauses/connectors/http').expect(204);
    const run = await succeeded(runId);
    assert.equal(run.nodes.call?.attempts, 1, 'the pause used up no attempt');
    assert.equal(callsTo('/connector-wait').length, 1);
    const actions = (await auditActions()).filter((entry) => entry.target.id === 'http').map((entry) => entry.action);
    assert.deepEqual(actions.sort(), ['connector.pause', 'connector.resume']);
  });

  test('a pause that catches a step between its retries keeps the attempts it has left', async (t) => {
    t.after(() => api().delete('/api/pauses/connectors/http'));
    const path = '/retry-then-pause';
    const document = webhookToHttpDocument(
      target.script(path, [
        { status: 500, body: { error: 'first try fails' } },
        { status: 200, body: { ok: true } },
      ]),
    );
    const call = document.nodes[1];
    // A 3 s retry interval: time enough to pause between the failed first attempt and the retry.
    if (call)
      call.settings = {
        retry: { maxAttempts: 2, initialIntervalMs: 3000, backoffCoefficient: 1, maxIntervalMs: 3000 },
      };
    const flow = await publishedFlow('retry-then-pause', document);
    const { runId } = (await request(app).post(flow.webhookPath).send({ name: 'r' }).expect(202)).body as {
      runId: string;
    };
    await waitFor('the first attempt to reach the target', async () => (callsTo(path).length === 1 ? true : undefined));
    await api().post('/api/pauses/connectors/http').send({}).expect(200);
    await waitingOnPause(runId);
    assert.equal(callsTo(path).length, 1, 'the retry waits');
    await api().delete('/api/pauses/connectors/http').expect(204);
    const run = await succeeded(runId);
    assert.equal(run.nodes.call?.attempts, 2, 'the second of two attempts succeeded: the pause took none');
    assert.equal(callsTo(path).length, 2);
  });

  test('a paused credential holds back the steps that use it, and only those', async () => {
    const credential = (
      await api()
        .post('/api/credentials')
        .send({ name: 'Vendor token', type: 'bearerToken', values: { token: 'tok-secret-1' } })
        .expect(201)
    ).body as CredentialSummary;
    const document = webhookToHttpDocument(target.script('/with-credential', [{ status: 200, body: { ok: 1 } }]));
    const call = document.nodes[1];
    if (call) call.config = { ...call.config, credentials: { auth: credential.id } };
    const flow = await publishedFlow('credential-wait', document);
    const plain = await webhookFlow('no-credential');
    await api().post(`/api/pauses/credentials/${credential.id}`).send({}).expect(200);

    const { runId } = (await request(app).post(flow.webhookPath).send({ name: 'k' }).expect(202)).body as {
      runId: string;
    };
    const other = (await request(app).post(plain.webhookPath).send({ name: 'p' }).expect(202)).body as {
      runId: string;
    };
    await succeeded(other.runId);
    const waiting = await waitingOnPause(runId);
    assert.deepEqual(waiting.nodes.call?.pausedBy, { kind: 'credential', id: credential.id });
    assert.equal(callsTo('/with-credential').length, 0);
    const listed = (await api().get('/api/pauses').expect(200)).body as PausesView;
    assert.deepEqual(
      listed.credentials.map((pause) => [pause.credentialId, pause.credentialName, pause.credentialType]),
      [[credential.id, 'Vendor token', 'bearerToken']],
    );

    await api().delete(`/api/pauses/credentials/${credential.id}`).expect(204);
    const run = await succeeded(runId);
    assert.equal(run.nodes.call?.attempts, 1);
    assert.equal(callsTo('/with-credential').length, 1);
    assert.ok(!JSON.stringify(run).includes('tok-secret-1'), 'the secret stays out of the run');
  });

  test('only admins pause; unknown connector types and other workspaces’ credentials are 404', async () => {
    const bad = await api().post('/api/pauses/connectors/no.such').send({}).expect(400);
    assert.match(bad.body.error.message, /^connector/);
    const unknown = await api().post('/api/pauses/connectors/nosuchconnector').send({}).expect(404);
    assert.match(unknown.body.error.message, /^connector/);
    await api().post('/api/pauses/connectors/http').send({ extra: 1 }).expect(400);
    await api().delete('/api/pauses/connectors/http').expect(204);

    const other = await provisionWorkspace(app, db);
    const theirs = (
      await signedInAgent(app, other.token)
        .post('/api/credentials')
        .send({ name: 'Theirs', type: 'bearerToken', values: { token: 't' } })
        .expect(201)
    ).body as CredentialSummary;
    await api().post(`/api/pauses/credentials/${theirs.id}`).send({}).expect(404);
    await api().delete(`/api/pauses/credentials/${theirs.id}`).expect(404);

    const builder = await createSignedInAgent({ app, admin }, { role: 'builder' });
    await builder.agent().post('/api/pauses/connectors/http').send({}).expect(403);
  });
});
