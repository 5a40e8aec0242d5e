import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { AlertEventView, AlertRuleView, FlowDetail, StartRunResponse } from '@pipewright/api-contract';
import { getTestStack, uniqueName } from '@pipewright/devstack';
import { createKeyring } from '@pipewright/secrets';
import { type RunningWorker, startWorker } from '@pipewright/worker';
import { Client, Connection } from '@temporalio/client';
import type express from 'express';
import { type Db, MongoClient } from 'mongodb';
import { SMTPServer } from 'smtp-server';
import request from 'supertest';
import { createApp } from '../app.ts';
import { AuditRepository } from '../auth/audit.repository.ts';
import { AuditService } from '../auth/audit.service.ts';
import { FailuresRepository } from '../failures/failures.repository.ts';
import { WaitingRuns } from '../fairness/waiting-runs.ts';
import { FlowsRepository } from '../flows/flows.repository.ts';
import {
  awaitRun,
  createSignedInAgent,
  type SignedInUser,
  signUpFirstUser,
  TargetServer,
  waitFor,
  webhookToHttpDocument,
} from '../test-support.ts';
import { AlertDelivery } from './alert-delivery.ts';
import type { AlertEvaluator } from './alert-evaluator.ts';
import { VISIBILITY_LAG_MS } from './alert-evaluator.ts';
import { AlertEventsRepository } from './alert-events.repository.ts';
import { createAlertsModule } from './alerts.module.ts';

const SMTP_USER = 'alerts';
const SMTP_PASSWORD = 'Smtp-Secret-7731';
const CHAT_TOKEN = 'T000-CHAT-SECRET-TOKEN';

interface Mail {
  recipients: string[];
  raw: string;
}

interface AlertsHarness {
  app: express.Express;
  db: Db;
  temporal: Client;
  taskQueue: string;
  admin: SignedInUser;
  api(): ReturnType<typeof request.agent>;
  stop(): Promise<void>;
}

/**
 * The real app and an in-process worker on the shared test stack, like test-support.ts `startHarness`, but the
 * worker holds the master keys too: alert e-mails use an SMTP credential, which only the worker decrypts.
 */
async function startAlertsHarness(): Promise<AlertsHarness> {
  const stack = await getTestStack();
  const mongo = await new MongoClient(stack.mongoUri).connect();
  const db = mongo.db(uniqueName('alerts'));
  const connection = await Connection.connect({ address: stack.temporalAddress });
  const temporal = new Client({ connection });
  const taskQueue = uniqueName('tq');
  const keyring = createKeyring({ keys: [{ id: 'test', key: randomBytes(32) }], primary: 'test' });
  let worker: RunningWorker | undefined;
  try {
    worker = await startWorker({
      temporalAddress: stack.temporalAddress,
      taskQueue,
      keyring,
      mongo: { uri: stack.mongoUri, dbName: db.databaseName },
      // As PIPEWRIGHT_ALLOW_PRIVATE_NETWORKS=true: the sink and the webhook endpoint are on 127.0.0.1.
      http: { allowPrivateNetworks: true },
    });
    const app = await createApp({ db, temporal, taskQueue, keyring, log: () => {} });
    const admin = await signUpFirstUser(app);
    const running = worker;
    return {
      app,
      db,
      temporal,
      taskQueue,
      admin,
      api: () => request.agent(app).set('authorization', `Bearer ${admin.token}`),
      async stop() {
        await running.shutdown();
        await db.dropDatabase().catch(() => {});
        await Promise.allSettled([mongo.close(), connection.close()]);
      },
    };
  } catch (error) {
    await worker?.shutdown();
    await Promise.allSettled([mongo.close(), connection.close()]);
    throw error;
  }
}

let harness: AlertsHarness;
const target = new TargetServer();
const mails: Mail[] = [];
const sink = new SMTPServer({
  disabledCommands: ['STARTTLS'],
  allowInsecureAuth: true,
  authMethods: ['PLAIN', 'LOGIN'],
  logger: false,
  onAuth(auth, _session, callback) {
    if (auth.username === SMTP_USER && auth.password === SMTP_PASSWORD) callback(null, { user: SMTP_USER });
    else callback(new Error('Invalid username or password'));
  },
  onData(stream, session, callback) {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => {
      mails.push({
        recipients: session.envelope.rcptTo.map((recipient) => recipient.address),
        raw: readable(Buffer.concat(chunks).toString('utf8')),
      });
      callback();
    });
  },
});
let smtpCredentialId = '';

/** The message as text: quoted-printable soft line breaks joined and escapes decoded (the alerts are ASCII). */
function readable(raw: string): string {
  return raw
    .replace(/=\r\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_match, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}

before(async () => {
  await target.start();
  await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
  harness = await startAlertsHarness();
  const address = sink.server.address();
  assert.ok(address && typeof address === 'object');
  smtpCredentialId = await createCredential('smtp', {
    host: '127.0.0.1',
    port: address.port,
    username: SMTP_USER,
    password: SMTP_PASSWORD,
  });
});
after(async () => {
  await harness?.stop();
  await target.stop();
  await new Promise<void>((resolve) => sink.close(() => resolve()));
});

const api = () => harness.api();

async function createCredential(type: string, values: Record<string, unknown>): Promise<string> {
  const body = { name: `${type} ${Math.random()}`, type, values };
  return ((await api().post('/api/credentials').send(body).expect(201)).body as { id: string }).id;
}

/**
 * An evaluator as a server runs it, on the test's database.  Its clock is ahead by the visibility lag, so a run that
 * visibility already shows closed is looked at now rather than 3 s later (`ahead` moves it further).
 */
function evaluator(aheadMs = 0, waiting?: WaitingRuns): AlertEvaluator {
  const flows = new FlowsRepository(harness.db);
  return createAlertsModule({
    db: harness.db,
    temporal: harness.temporal,
    taskQueue: harness.taskQueue,
    audit: new AuditService(new AuditRepository(harness.db)),
    flowName: async (workspaceId, flowId) => (await flows.findById(workspaceId, flowId))?.name ?? flowId,
    credentials: async () => [],
    publicBaseUrl: 'https://pipewright.example.test',
    log: (message, error) => console.error(message, error),
    now: () => new Date(Date.now() + VISIBILITY_LAG_MS + aheadMs),
    ...(waiting ? { waiting: (workspaceId: string) => waiting.summary(workspaceId) } : {}),
  }).evaluator;
}

/** A published manual → HTTP flow whose HTTP step calls `path` on the target (scripted by the test). */
async function publishedFlow(name: string, path: string): Promise<string> {
  const document = webhookToHttpDocument(
    target.script(path, [{ status: 500, body: { error: 'down' } }]),
    'core.manual',
  );
  const flow = (await api().post('/api/flows').send({ name, document }).expect(201)).body as FlowDetail;
  await api().post(`/api/flows/${flow.id}/publish`).expect(201);
  return flow.id;
}

/** Runs the published flow to its end, and waits until Temporal's visibility shows it closed. */
async function runToEnd(flowId: string): Promise<string> {
  const { runId } = (await api().post(`/api/flows/${flowId}/runs`).send({ source: 'published' }).expect(202))
    .body as StartRunResponse;
  await awaitRun(harness.temporal, runId);
  await waitFor(`visibility to show run ${runId} closed`, async () => {
    const { count } = await harness.temporal.workflow.count(`WorkflowId = '${runId}' AND ExecutionStatus != 'Running'`);
    return count === 1 ? true : undefined;
  });
  return runId;
}

async function createRule(body: Record<string, unknown>): Promise<AlertRuleView> {
  return (await api().post('/api/alerts').send(body).expect(201)).body as AlertRuleView;
}

async function events(query: string): Promise<AlertEventView[]> {
  return ((await api().get(`/api/alerts/events?${query}`).expect(200)).body as { items: AlertEventView[] }).items;
}

/**
 * Every delivery of the flow's alerts has an outcome; returns the events.  While it waits, pending deliveries are
 * watched again once a second, as each round of a server's evaluation loop does (a watch that lost its connection to
 * Temporal leaves its delivery to the next round): the tests' evaluators run rounds by hand, not in a loop.
 */
async function settledEvents(flowId: string, expected: number): Promise<AlertEventView[]> {
  const rounds = alertDelivery();
  let watchedAt = performance.now();
  let seen: AlertEventView[] = [];
  return waitFor(
    () => `${expected} alert events of ${flowId}, delivered (last seen: ${JSON.stringify(seen)})`,
    async () => {
      seen = await events(`flowId=${flowId}`);
      const settled = seen.every((event) => event.deliveries.every((delivery) => delivery.status !== 'pending'));
      if (seen.length === expected && settled) return seen;
      if (performance.now() - watchedAt > 1_000) {
        watchedAt = performance.now();
        await rounds.watchPending();
      }
      return undefined;
    },
    { timeoutMs: 60_000 },
  );
}

/** A server's alert delivery, as `createAlertsModule` builds it, on the test's database. */
function alertDelivery(): AlertDelivery {
  return new AlertDelivery({
    temporal: harness.temporal,
    taskQueue: harness.taskQueue,
    events: new AlertEventsRepository(harness.db),
    log: () => {},
  });
}

/**
 * A webhook-only `dlq_size` rule on a new published flow, and the event a server writes when it claims the rule's
 * first firing (recorded by the test, not yet handed over).
 */
async function claimedFiring(flowName: string, path: string, summary: string) {
  const flowId = await publishedFlow(flowName, path);
  const hook = target.script(`${path}-hook`, [{ status: 200, body: {} }]);
  const rule = await createRule({
    flowId,
    name: flowName,
    condition: { kind: 'dlq_size', threshold: 1_000 },
    channels: [{ type: 'webhook', url: hook }],
  });
  const delivery = alertDelivery();
  const event = delivery.newEvent({
    eventId: `${rule.id}.1`,
    kind: 'fired',
    channels: rule.channels,
    message: {
      workspaceId: harness.admin.workspaceId,
      ruleId: rule.id,
      ruleName: rule.name,
      kind: 'dlq_size',
      flowId,
      flowName,
      summary,
      at: new Date(),
      test: false,
    },
  });
  return { flowId, rule, delivery, event };
}

const hookPosts = (path: string) => target.requests.filter((request) => request.path === path);

describe('alerts through the real stack', () => {
  test('run_failed and failure_rate: one e-mail and one POST each per incident, again after recovery', async () => {
    const flowId = await publishedFlow('Orders sync', '/orders');
    const hookUrl = target.script('/alert-hook', [{ status: 200, body: { ok: true } }]);
    const channels = [
      {
        type: 'email',
        credentialId: smtpCredentialId,
        from: 'Pipewright <alerts@example.test>',
        to: ['ops@example.test'],
      },
      { type: 'webhook', url: hookUrl },
    ];
    const runFailed = await createRule({ flowId, name: 'Any failure', condition: { kind: 'run_failed' }, channels });
    const rate = await createRule({
      flowId,
      name: 'Failure rate',
      condition: { kind: 'failure_rate', thresholdPercent: 50, windowMinutes: 60, minRuns: 2 },
      channels,
    });
    // Two servers evaluate every round: each alert still goes once (FerretDB lets two conditional updates of one
    // document through at once, so this fails if a firing were claimed by an update instead of an insert).
    const servers = [evaluator(), evaluator()];
    const round = () => Promise.all(servers.map((server) => server.evaluateOnce()));

    await runToEnd(flowId);
    await round();
    await runToEnd(flowId);
    await round();
    // Several more failures inside the cool-down: no more alerts.
    for (let i = 0; i < 3; i++) {
      await runToEnd(flowId);
      await round();
    }
    let sent = await settledEvents(flowId, 2);
    assert.deepEqual(sent.map((event) => event.ruleName).sort(), ['Any failure', 'Failure rate']);
    for (const event of sent) {
      assert.deepEqual(
        event.deliveries.map((delivery) => [delivery.channel, delivery.status]),
        [
          ['email', 'sent'],
          ['webhook', 'sent'],
        ],
      );
    }
    assert.equal(mails.length, 2, 'one e-mail per rule');
    assert.equal(hookPosts('/alert-hook').length, 2, 'one POST per rule');
    const firstMail = mails.find((mail) => mail.raw.includes('Any failure'));
    assert.ok(firstMail, 'the run_failed mail names its rule');
    assert.deepEqual(firstMail.recipients, ['ops@example.test']);
    assert.match(firstMail.raw, /A run of "Orders sync" failed/);
    assert.match(firstMail.raw, /answered 500/, 'the mail says why the run failed');
    const ratePost = hookPosts('/alert-hook')
      .map((request) => JSON.parse(request.body) as { rule: { id: string; kind: string }; summary: string })
      .find((body) => body.rule.id === rate.id);
    assert.ok(ratePost, 'the webhook got the failure-rate alert');
    assert.equal(ratePost.rule.kind, 'failure_rate');
    assert.match(ratePost.summary, /2 of 2 runs .* failed/);

    const rules = ((await api().get(`/api/alerts?flowId=${flowId}`).expect(200)).body as { items: AlertRuleView[] })
      .items;
    assert.deepEqual(
      rules.map((rule) => rule.status),
      ['firing', 'firing'],
    );

    // Recovery: a run succeeds (run_failed recovers; 1 of 6 succeeded keeps the failure rate up), then one fails.
    target.script('/orders', [{ status: 200, body: { ok: true } }]);
    await runToEnd(flowId);
    await round();
    const recovered = (await api().get(`/api/alerts/${runFailed.id}`).expect(200)).body as AlertRuleView;
    assert.equal(recovered.status, 'ok');
    target.script('/orders', [{ status: 500, body: { error: 'down again' } }]);
    await runToEnd(flowId);
    await round();
    sent = await settledEvents(flowId, 3);
    assert.equal(sent[0]?.ruleId, runFailed.id, 'the new incident alerts again');
    assert.equal(mails.length, 3);
    assert.equal(hookPosts('/alert-hook').length, 3);
  });

  test('no_run fires for an idle flow, not for a flow that ran (the evaluation loop sends it)', async () => {
    const idleFlow = await publishedFlow('Nightly import', '/nightly');
    const busyFlow = await publishedFlow('Busy import', '/busy');
    target.script('/busy', [{ status: 200, body: { ok: true } }]);
    await runToEnd(busyFlow);
    const idleHook = target.script('/idle-hook', [{ status: 200, body: {} }]);
    const busyHook = target.script('/busy-hook', [{ status: 200, body: {} }]);
    await createRule({
      flowId: idleFlow,
      name: 'Dead trigger',
      condition: { kind: 'no_run', idleMinutes: 5 },
      channels: [{ type: 'webhook', url: idleHook }],
    });
    const busyRule = await createRule({
      flowId: busyFlow,
      name: 'Busy trigger',
      condition: { kind: 'no_run', idleMinutes: 10 },
      channels: [{ type: 'webhook', url: busyHook }],
    });
    // Watched for an hour already, so only its run (a moment ago, inside the 10 minutes) keeps it quiet.
    await harness.db
      .collection<{ _id: string }>('alert_rules')
      .updateOne({ _id: busyRule.id }, { $set: { activeSince: new Date(Date.now() - 3_600_000) } });

    // Six minutes from now, the idle flow has had no run for more than five.
    const loop = evaluator(6 * 60_000);
    loop.start(100);
    try {
      const [event] = await settledEvents(idleFlow, 1);
      assert.equal(event?.deliveries[0]?.status, 'sent');
      await waitFor('the busy rule to be evaluated', async () => {
        const rule = (await api().get(`/api/alerts/${busyRule.id}`).expect(200)).body as AlertRuleView;
        return rule.lastEvaluatedAt !== null ? rule : undefined;
      });
    } finally {
      await loop.stop();
    }
    const [post] = hookPosts('/idle-hook');
    assert.ok(post);
    assert.match(post.body, /No run of \\"Nightly import\\" started in the last 5 min/);
    assert.equal(hookPosts('/busy-hook').length, 0);
    assert.deepEqual(await events(`flowId=${busyFlow}`), []);
  });

  test('dlq_size fires over the threshold and recovers when the queue shrinks', async () => {
    const flowId = await publishedFlow('Invoices', '/invoices');
    const hook = target.script('/dlq-hook', [{ status: 200, body: {} }]);
    const rule = await createRule({
      flowId,
      name: 'Backlog',
      condition: { kind: 'dlq_size', threshold: 2 },
      channels: [{ type: 'webhook', url: hook }],
    });
    // Failed runs as the worker's writer records them in the failed-runs queue.
    const failures = new FailuresRepository(harness.db);
    for (const n of [1, 2, 3]) {
      await failures.upsert({
        _id: `run_dlq_${n}`,
        workspaceId: harness.admin.workspaceId,
        flowId,
        version: 1,
        trigger: 'webhook',
        startedAt: new Date(),
        failedAt: new Date(),
        nodeId: 'call',
        nodeType: 'http.request',
        nodeTitle: 'Call',
        errorMessage: 'POST answered 500',
        errorGroup: 'g1',
      });
    }
    const server = evaluator();
    await server.evaluateOnce();
    await server.evaluateOnce();
    const [event] = await settledEvents(flowId, 1);
    assert.match(event?.summary ?? '', /^3 failed runs of "Invoices" wait/);
    const by = { userId: null, email: null };
    await failures.claim(harness.admin.workspaceId, 'run_dlq_1', { kind: 'dismissed', by, at: new Date() });
    await server.evaluateOnce();
    assert.equal(((await api().get(`/api/alerts/${rule.id}`).expect(200)).body as AlertRuleView).status, 'ok');
    assert.equal(hookPosts('/dlq-hook').length, 1);
  });

  test('waiting_age fires when the oldest run has waited to start longer than its minutes, and recovers once it began', async () => {
    const flowId = await publishedFlow('Imports', '/imports');
    const hook = target.script('/waiting-hook', [{ status: 200, body: {} }]);
    const rule = await createRule({
      flowId,
      name: 'Stuck backlog',
      condition: { kind: 'waiting_age', minutes: 5 },
      channels: [{ type: 'webhook', url: hook }],
    });
    // Two runs accepted now and not begun, as a server counts them; the evaluator's clock is 6 min ahead.
    const waiting = new WaitingRuns({
      db: harness.db,
      cacheMs: 0,
      log: (message, error) => console.error(message, error),
    });
    const run = { workspaceId: harness.admin.workspaceId, flowId, acceptedAt: Date.now() };
    waiting.accepted(run);
    waiting.accepted(run);
    await waiting.flush();
    try {
      await evaluator(0, waiting).evaluateOnce();
      assert.equal(((await api().get(`/api/alerts/${rule.id}`).expect(200)).body as AlertRuleView).status, 'ok');
      const server = evaluator(6 * 60_000, waiting);
      await server.evaluateOnce();
      const [event] = await settledEvents(flowId, 1);
      assert.match(event?.summary ?? '', /^2 runs of "Imports" wait to start; the oldest for 6 min \(more than 5\)/);
      // A worker begins both (as its sink counts them): nothing waits, the rule recovers, nothing more is sent.
      waiting.leftWithoutRunning(run);
      waiting.leftWithoutRunning(run);
      await waiting.flush();
      await server.evaluateOnce();
      assert.equal(((await api().get(`/api/alerts/${rule.id}`).expect(200)).body as AlertRuleView).status, 'ok');
      assert.equal(hookPosts('/waiting-hook').length, 1);
    } finally {
      await waiting.close();
    }
  });

  test('an alert claimed by a server that died before sending it is sent once by the next round', async () => {
    // What a server writes when it claims a firing (the alert's event), before it hands it over — then it dies.
    const {
      flowId,
      delivery: crashed,
      event: claimed,
    } = await claimedFiring('Crashy', '/crashy', 'claimed before the crash');
    assert.ok(await crashed.record(claimed));
    assert.equal(await crashed.record(claimed), false, 'a second claim of the same firing is refused');

    const restarted = evaluator();
    await restarted.evaluateOnce();
    await restarted.evaluateOnce();
    await evaluator().evaluateOnce();
    const [event] = await settledEvents(flowId, 1);
    assert.equal(event?.summary, 'claimed before the crash');
    assert.equal(hookPosts('/crashy-hook').length, 1);
    assert.deepEqual(await new AlertEventsRepository(harness.db).listNotHandedOver(10), []);
  });

  test('a second server never records as lost a delivery the first is still handing over', async () => {
    const {
      flowId,
      rule,
      delivery: first,
      event: claimed,
    } = await claimedFiring('Handover', '/handover', 'claimed, workflows not started yet');
    assert.ok(await first.record(claimed));
    // The second server's round looks at deliveries in flight between the first's claim and its workflow start:
    // Temporal knows no such workflow yet, which is no outcome.
    await alertDelivery().watchPending();
    await first.handOver(claimed);
    const [event] = await settledEvents(flowId, 1);
    assert.deepEqual(event?.deliveries, [{ channel: 'webhook', status: 'sent' }]);
    assert.equal(hookPosts('/handover-hook').length, 1);

    // Handed over again (a lost `handedOver` flag, a retry): the delivery that ran is not started a second time.
    const workflow = harness.temporal.workflow.getHandle(`alert-${rule.id}.1.c0`);
    const ran = await workflow.describe();
    await alertDelivery().handOver(claimed);
    const after = await workflow.describe();
    assert.equal(after.runId, ran.runId, 'no new delivery run');
    assert.equal(after.status.name, 'COMPLETED');
    assert.equal(hookPosts('/handover-hook').length, 1);
  });
});

describe('alert rules API', () => {
  test('bad input answers 400 naming the field; credentials must be the workspace’s and of the right type', async () => {
    const flowId = await publishedFlow('Validation', '/validation');
    const base = { flowId, name: 'Rule', channels: [{ type: 'webhook', url: 'https://hooks.example.test/a' }] };
    const cases: [Record<string, unknown>, RegExp][] = [
      [
        { ...base, condition: { kind: 'failure_rate', thresholdPercent: 10, windowMinutes: 1 } },
        /condition\.windowMinutes/,
      ],
      [{ ...base, condition: { kind: 'nope' } }, /condition\.kind: kind must be one of/],
      [{ ...base, condition: { kind: 'run_failed' }, channels: [] }, /channels: give at least one channel/],
      [
        { ...base, condition: { kind: 'run_failed' }, channels: [{ type: 'webhook', url: 'file:///etc/passwd' }] },
        /channels\.0\.url/,
      ],
      [
        { ...base, condition: { kind: 'run_failed' }, channels: [{ type: 'chat', credentialId: smtpCredentialId }] },
        /channels\.0\.credentialId: a chat channel needs a chat\.webhook credential/,
      ],
      [
        { ...base, condition: { kind: 'run_failed' }, channels: [{ type: 'chat', credentialId: 'cred_missing' }] },
        /channels\.0\.credentialId: no credential/,
      ],
      [{ ...base, condition: { kind: 'run_failed' }, state: { status: 'ok' } }, /Unrecognized key/],
    ];
    for (const [body, message] of cases) {
      const response = await api().post('/api/alerts').send(body).expect(400);
      assert.match((response.body as { error: { message: string } }).error.message, message);
    }
    await api()
      .post('/api/alerts')
      .send({ ...base, flowId: 'flow_missing', condition: { kind: 'run_failed' } })
      .expect(404);
  });

  test('viewers list, builders manage; changes are audited; a test alert is delivered and never shows a secret', async () => {
    const flowId = await publishedFlow('Audited', '/audited');
    const viewer = await createSignedInAgent(harness, { role: 'viewer' });
    const chatCredentialId = await createCredential('chat.webhook', {
      url: target.script(`/chat/${CHAT_TOKEN}`, [{ status: 400, body: { error: 'invalid_payload' } }]),
    });
    const body = {
      flowId,
      name: 'Test me',
      condition: { kind: 'run_failed' },
      channels: [
        { type: 'email', credentialId: smtpCredentialId, from: 'alerts@example.test', to: ['test@example.test'] },
        { type: 'chat', credentialId: chatCredentialId },
        // A hostile URL: the worker's SSRF guard refuses metadata addresses even where private networks are open.
        { type: 'webhook', url: 'http://169.254.169.254/latest/meta-data/' },
      ],
    };
    await viewer.agent().post('/api/alerts').send(body).expect(403);
    const rule = await createRule(body);
    await viewer.agent().get(`/api/alerts?flowId=${flowId}`).expect(200);
    await viewer.agent().post(`/api/alerts/${rule.id}/test`).expect(403);

    const test = (await api().post(`/api/alerts/${rule.id}/test`).expect(202)).body as AlertEventView;
    assert.equal(test.kind, 'test');
    const [event] = await waitFor('the test alert to be delivered', async () => {
      const found = ((await api().get(`/api/alerts/${rule.id}/events`).expect(200)).body as { items: AlertEventView[] })
        .items;
      return found.length === 1 && found[0]?.deliveries.every((item) => item.status !== 'pending') ? found : undefined;
    });
    assert.equal(event?.deliveries[0]?.status, 'sent');
    assert.equal(event?.deliveries[1]?.status, 'failed');
    assert.match(event?.deliveries[1]?.error ?? '', /answered 400/);
    assert.equal(event?.deliveries[2]?.status, 'failed');
    assert.match(event?.deliveries[2]?.error ?? '', /metadata/);
    const mail = mails.find((item) => item.recipients.includes('test@example.test'));
    assert.ok(mail, 'the test e-mail arrived');
    assert.match(mail.raw, /\[test\] Pipewright alert: Test me/);

    const patched = (
      await api()
        .patch(`/api/alerts/${rule.id}`)
        .send({ cooldownMinutes: 5, condition: { kind: 'dlq_size', threshold: 10 } })
        .expect(200)
    ).body as AlertRuleView;
    assert.equal(patched.cooldownMinutes, 5);
    await api().patch(`/api/alerts/${rule.id}`).send({ cooldownMinutes: 0 }).expect(400);
    await api().delete(`/api/alerts/${rule.id}`).expect(204);
    await api().get(`/api/alerts/${rule.id}`).expect(404);

    const audit = (await api().get('/api/audit').expect(200)).body as {
      items: { action: string; target: { id: string } }[];
    };
    const actions = audit.items.filter((entry) => entry.target.id === rule.id).map((entry) => entry.action);
    assert.deepEqual(actions.sort(), ['alert.create', 'alert.delete', 'alert.test', 'alert.update']);

    const everything = JSON.stringify([
      (await api().get('/api/alerts').expect(200)).body,
      (await api().get('/api/alerts/events').expect(200)).body,
      audit,
    ]);
    for (const secret of [SMTP_PASSWORD, CHAT_TOKEN]) assert.ok(!everything.includes(secret), 'no secret in answers');
  });
});
