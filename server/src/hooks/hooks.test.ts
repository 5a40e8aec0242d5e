import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { FlowDetail, RunDetail, StartRunResponse, WebhookSecretResponse } from '@pipewright/api-contract';
import { FailuresRepository } from '../failures/failures.repository.ts';
import { FlowsRepository, WEBHOOK_FLOW_CACHE_MS } from '../flows/flows.repository.ts';
import {
  awaitRun,
  type Harness,
  startHarness,
  TargetServer,
  type TestDocument,
  waitFor,
  webhookToHttpDocument,
} from '../test-support.ts';
import { signGithub, signHmac, signStandard } from '../webhook-verify.ts';

let harness: Harness;
const target = new TargetServer();
/** Accepts connections and never answers: a step calling it outlasts any waitForRun timeout. */
let silent: Server;
let silentUrl = '';
before(async () => {
  await target.start();
  silent = createServer(() => {});
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const address = silent.address();
  silentUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`;
  harness = await startHarness({ worker: true });
});
after(async () => {
  await harness?.stop();
  await target.stop();
  await new Promise((resolve) => silent.close(resolve));
});

const api = () => harness.api();

/** A published webhook → HTTP flow with the given trigger config; returns the flow and its (rotated) secret. */
async function webhookFlow(
  name: string,
  config: Record<string, unknown>,
  url = target.script(`/${name}`, [{ status: 200, body: { ok: name } }]),
): Promise<{ flow: FlowDetail; secret: string }> {
  const document: TestDocument = webhookToHttpDocument(url);
  const trigger = document.nodes[0];
  if (trigger) trigger.config = { method: 'POST', ...config };
  const flow = (await api().post('/api/flows').send({ name, document }).expect(201)).body as FlowDetail;
  await api().post(`/api/flows/${flow.id}/publish`).expect(201);
  const { secret } = (await api().post(`/api/flows/${flow.id}/webhook-secret/rotate`).expect(201))
    .body as WebhookSecretResponse;
  return { flow, secret };
}

async function finishedRun(runId: string): Promise<RunDetail> {
  await awaitRun(harness.temporal, runId);
  return (await api().get(`/api/runs/${runId}`).expect(200)).body as RunDetail;
}

/** One field of a node's output in a run, asserting the node has an object output. */
function outputField(run: RunDetail, nodeId: string, field: string): unknown {
  const output = run.nodes[nodeId]?.output;
  assert.ok(typeof output === 'object' && output !== null, `node ${nodeId} has an object output`);
  return (output as Record<string, unknown>)[field];
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

/** Workflows Temporal started for the flow, once visibility shows at least `expected` (it lags a little). */
async function startedRuns(flowId: string, expected: number): Promise<number> {
  let count = 0;
  return waitFor(
    () => `Temporal to list ${expected} runs of ${flowId} (lists ${count})`,
    async () => {
      ({ count } = await harness.temporal.workflow.count(`FlowId = '${flowId}'`));
      return count >= expected ? count : undefined;
    },
  );
}

describe('webhook secret', () => {
  test('a new flow has a secret shown only as a hint; rotation returns the new one once', async () => {
    const created = (await api().post('/api/flows').send({ name: 'Secretive' }).expect(201)).body as FlowDetail;
    assert.match(created.webhookSecretHint ?? '', /^whsec_….{4}$/);
    const rotated = await api().post(`/api/flows/${created.id}/webhook-secret/rotate`).expect(201);
    const { secret } = rotated.body as WebhookSecretResponse;
    assert.match(secret, /^whsec_[A-Za-z0-9+/]{43}=$/);
    assert.equal(Buffer.from(secret.slice(6), 'base64').length, 32);
    const fetched = await api().get(`/api/flows/${created.id}`).expect(200);
    assert.equal((fetched.body as FlowDetail).webhookSecretHint, `whsec_…${secret.slice(-4)}`);
    assert.ok(!JSON.stringify(fetched.body).includes(secret.slice(6, 30)), 'GET never returns the secret');
    await api().post('/api/flows/flw_unknown/webhook-secret/rotate').expect(404);
  });
});

describe('signature verification', () => {
  test('Standard Webhooks: a signed delivery runs; a wrong signature or stale timestamp is refused with 401', async () => {
    const { flow, secret } = await webhookFlow('standard', { verification: 'standard' });
    const body = JSON.stringify({ name: 'Ada' });
    const timestamp = nowSeconds();
    const headers = (id: string, ts = timestamp, key = secret) => ({
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(ts),
      'webhook-signature': signStandard({ secret: key, id, timestamp: ts, body: Buffer.from(body) }),
    });
    const ok = await api().post(flow.webhookPath).set(headers('msg_1')).send(body).expect(202);
    const run = await finishedRun((ok.body as StartRunResponse).runId);
    assert.equal(run.status, 'succeeded');
    assert.deepEqual(outputField(run, 'hook', 'body'), { name: 'Ada' });

    const forged = await api()
      .post(flow.webhookPath)
      .set(headers('msg_2', timestamp, 'whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA='))
      .send(body)
      .expect(401);
    assert.deepEqual(forged.body, {
      error: { code: 'invalid_signature', message: 'webhook-signature does not match' },
    });
    const tampered = await api().post(flow.webhookPath).set(headers('msg_3')).send(body.replace('Ada', 'Eve'));
    assert.equal(tampered.status, 401);
    const stale = await api()
      .post(flow.webhookPath)
      .set(headers('msg_4', nowSeconds() - 310))
      .send(body)
      .expect(401);
    assert.equal(stale.body.error.code, 'invalid_timestamp');
    assert.match(stale.body.error.message, /webhook-timestamp/);
    const future = await api()
      .post(flow.webhookPath)
      .set(headers('msg_5', nowSeconds() + 310))
      .send(body)
      .expect(401);
    assert.match(future.body.error.message, /webhook-timestamp/);
    const unsigned = await api().post(flow.webhookPath).send({ name: 'x' }).expect(401);
    assert.equal(unsigned.body.error.code, 'invalid_signature');
    assert.ok(!JSON.stringify([forged.body, unsigned.body]).includes(secret.slice(6)), 'never echoes the secret');
  });

  test('GitHub: X-Hub-Signature-256 over the raw body; a rotated secret stops the old signatures', async () => {
    const { flow, secret } = await webhookFlow('github', { verification: 'github' });
    const body = '{"action":"opened","name":"Octo"}';
    const signed = (key: string) => ({
      'content-type': 'application/json',
      'x-hub-signature-256': signGithub(key, Buffer.from(body)),
    });
    await api().post(flow.webhookPath).set(signed(secret)).send(body).expect(202);
    await api().post(`/api/flows/${flow.id}/webhook-secret/rotate`).expect(201);
    const old = await api().post(flow.webhookPath).set(signed(secret)).send(body).expect(401);
    assert.deepEqual(old.body.error, { code: 'invalid_signature', message: 'x-hub-signature-256 does not match' });
  });

  test('generic HMAC in a configured header, hex or base64', async () => {
    const { flow, secret } = await webhookFlow('hmac', { verification: 'hmac', signatureHeader: 'X-Acme-Signature' });
    const body = 'amount=42';
    const send = (signature: string) =>
      api()
        .post(flow.webhookPath)
        .set({ 'content-type': 'application/x-www-form-urlencoded', 'x-acme-signature': signature })
        .send(body);
    const hex = await send(signHmac(secret, Buffer.from(body))).expect(202);
    await send(signHmac(secret, Buffer.from(body), 'base64')).expect(202);
    const wrong = await send(signHmac(secret, Buffer.from('amount=43'))).expect(401);
    assert.equal(wrong.body.error.message, 'x-acme-signature does not match');
    const run = await finishedRun((hex.body as StartRunResponse).runId);
    assert.deepEqual(outputField(run, 'hook', 'body'), { amount: '42' });
  });
});

describe('content type and size', () => {
  test('a content type the trigger does not list is refused with 415 naming it; a body over its limit with 413', async () => {
    const { flow } = await webhookFlow('limits', { contentTypes: ['application/json'], maxBodyBytes: 64 });
    const xml = await api().post(flow.webhookPath).set('content-type', 'application/xml').send('<a/>').expect(415);
    assert.equal(xml.body.error.code, 'unsupported_media_type');
    assert.match(xml.body.error.message, /"application\/xml"/);
    await api()
      .post(flow.webhookPath)
      .set('content-type', 'application/json; charset=utf-8')
      .send('{"a":1}')
      .expect(202);
    const big = await api()
      .post(flow.webhookPath)
      .set('content-type', 'application/json')
      .send(JSON.stringify({ text: 'x'.repeat(100) }))
      .expect(413);
    assert.equal(big.body.error.code, 'payload_too_large');
  });
});

describe('duplicate deliveries', () => {
  test('20 concurrent POSTs with one delivery id start exactly one run, and all answers carry its id', async () => {
    const url = target.script('/dedupe', [{ status: 200, body: { ok: true } }]);
    const { flow } = await webhookFlow('dedupe', {}, url);
    const responses = await Promise.all(
      Array.from({ length: 20 }, () =>
        api().post(flow.webhookPath).set('idempotency-key', 'delivery-42').send({ name: 'once' }),
      ),
    );
    assert.deepEqual(
      responses.map((response) => response.status),
      Array.from({ length: 20 }, () => 202),
    );
    const runIds = new Set(responses.map((response) => (response.body as StartRunResponse).runId));
    assert.equal(runIds.size, 1);
    const duplicates = responses.filter((response) => response.headers['x-pipewright-duplicate'] === 'true');
    assert.equal(duplicates.length, 19);
    const [runId] = [...runIds];
    assert.ok(runId);
    await awaitRun(harness.temporal, runId);

    // A late retry after the run finished gets the same run, not a new one.
    const other = await api().post(flow.webhookPath).set('x-delivery-id', 'delivery-43').send({}).expect(202);
    assert.notEqual((other.body as StartRunResponse).runId, runId);
    assert.equal(other.headers['x-pipewright-duplicate'], undefined);
    await awaitRun(harness.temporal, (other.body as StartRunResponse).runId);
    const retry = await api().post(flow.webhookPath).set('idempotency-key', 'delivery-42').send({}).expect(202);
    assert.equal((retry.body as StartRunResponse).runId, runId);
    assert.equal(retry.headers['x-pipewright-duplicate'], 'true');

    const records = await harness.db.collection<{ _id: string }>('runs').find({ flowId: flow.id }).toArray();
    assert.deepEqual(
      records.map((record) => record._id).filter((id) => id === runId),
      [runId],
      'recorded once',
    );
    assert.equal(records.length, 2);
    assert.equal(await startedRuns(flow.id, 2), 2, 'one run for delivery-42, one for delivery-43');
    const list = (await api().get(`/api/runs?flowId=${flow.id}`).expect(200)).body as { items: { id: string }[] };
    assert.equal(list.items.filter((item) => item.id === runId).length, 1);
  });
});

describe('metrics', () => {
  test('deliveries are counted per workspace and flow by how they were answered; queued runs are a gauge', async () => {
    const { flow } = await webhookFlow('counted', {});
    await api().post(flow.webhookPath).set('idempotency-key', 'counted-1').send({}).expect(202);
    await api().post(flow.webhookPath).set('idempotency-key', 'counted-1').send({}).expect(202);
    await api().put(flow.webhookPath).send({}).expect(405);
    const text = await harness.metrics.metrics();
    const sample = (outcome: string) => {
      const labels = [`flow="${flow.id}"`, `outcome="${outcome}"`, `workspace="${harness.admin.workspaceId}"`];
      const line = text
        .split('\n')
        .find((row) => row.startsWith('pipewright_webhook_deliveries_total{') && labels.every((l) => row.includes(l)));
      return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1));
    };
    assert.equal(sample('accepted'), 1);
    assert.equal(sample('duplicate'), 1);
    assert.equal(sample('refused'), 1);
    assert.match(text, /^pipewright_runs_queued(\{[^}]*\})? \d+$/m);
    assert.match(text, /^pipewright_process_cpu_seconds_total/m);
  });
});

describe('failed-runs metric', () => {
  test('the failed-runs queue (DLQ) is a gauge per workspace and connector: open failures only', async () => {
    const failures = new FailuresRepository(harness.db);
    const workspaceId = harness.admin.workspaceId;
    const failure = (id: string, nodeType: string) => ({
      _id: id,
      workspaceId,
      flowId: 'flw_gauge',
      version: 1,
      trigger: 'webhook',
      startedAt: new Date(),
      failedAt: new Date(),
      nodeId: 'call',
      nodeType,
      nodeTitle: 'Call',
      errorMessage: 'POST answered 500',
      errorGroup: 'g500',
    });
    await failures.upsert(failure('run_gauge_1', 'http.request'));
    await failures.upsert(failure('run_gauge_2', 'http.request'));
    await failures.upsert(failure('run_gauge_3', 'my-steps.greet'));
    const by = { kind: 'dismissed' as const, by: { userId: null, email: null }, at: new Date() };
    assert.equal(await failures.claim(workspaceId, 'run_gauge_2', by), true);
    const text = await harness.metrics.metrics();
    const gauge = (connector: string) =>
      text
        .split('\n')
        .find(
          (row) =>
            row.startsWith('pipewright_failed_runs_open{') &&
            row.includes(`connector="${connector}"`) &&
            row.includes(`workspace="${workspaceId}"`),
        );
    assert.equal(gauge('http')?.split(' ').pop(), '1', 'one open http failure; the dismissed one is out');
    assert.equal(gauge('package')?.split(' ').pop(), '1', 'a step type that is not built in is "package"');
  });
});

describe('deliveries without a delivery id', () => {
  test('with a duplicate window, the same body again is the first run; another body, or no window, a new run', async () => {
    const { flow } = await webhookFlow('body-window', { duplicateWindowSeconds: 600 });
    const first = await api().post(flow.webhookPath).send({ name: 'same' }).expect(202);
    const again = await api().post(flow.webhookPath).send({ name: 'same' }).expect(202);
    const runId = (first.body as StartRunResponse).runId;
    assert.deepEqual(
      [(again.body as StartRunResponse).runId, again.headers['x-pipewright-duplicate']],
      [runId, 'true'],
      'a sender sending the same request again gets the first run',
    );
    const other = await api().post(flow.webhookPath).send({ name: 'other' }).expect(202);
    assert.notEqual((other.body as StartRunResponse).runId, runId);
    assert.equal(await startedRuns(flow.id, 2), 2);

    const { flow: plain } = await webhookFlow('body-no-window', {});
    const send = async () =>
      ((await api().post(plain.webhookPath).send({ name: 'same' }).expect(202)).body as StartRunResponse).runId;
    assert.notEqual(await send(), await send());
    assert.equal(await startedRuns(plain.id, 2), 2, 'without a window every delivery is a run (the default)');
  });
});

describe('waitForRun', () => {
  test('answers with the chosen node’s output, or the last node’s by default', async () => {
    const chosen = await webhookFlow('wait-hook', { responseMode: 'waitForRun', responseNodeId: 'hook' });
    const echoed = await api().post(chosen.flow.webhookPath).send({ name: 'Lin' }).expect(200);
    assert.deepEqual(echoed.body.body, { name: 'Lin' });
    assert.match(echoed.headers['x-pipewright-run-id'] ?? '', /^run_/);
    const last = await webhookFlow('wait-last', { responseMode: 'waitForRun' });
    const answer = await api().post(last.flow.webhookPath).send({ name: 'Lin' }).expect(200);
    assert.deepEqual(answer.body.body, { ok: 'wait-last' });
  });

  test('a failed run answers 500 run_failed with the run id; a slow one 202 running after the timeout', async () => {
    const down = target.script('/wait-down', [{ status: 400, body: { error: 'bad' } }]);
    const failing = await webhookFlow('wait-fail', { responseMode: 'waitForRun' }, down);
    const failed = await api().post(failing.flow.webhookPath).send({}).expect(500);
    assert.equal(failed.body.error.code, 'run_failed');
    assert.match(failed.body.error.message, /call/);
    assert.match(failed.body.error.runId, /^run_/);

    const slow = await webhookFlow('wait-slow', { responseMode: 'waitForRun', responseTimeoutMs: 300 }, silentUrl);
    const pending = await api().post(slow.flow.webhookPath).send({}).expect(202);
    assert.equal(pending.body.status, 'running');
    await harness.temporal.workflow.getHandle(pending.body.runId).terminate('test cleanup');
  });

  test('publishing an answer node that does not exist is refused, located on the trigger', async () => {
    const document = webhookToHttpDocument('http://127.0.0.1:9/');
    const trigger = document.nodes[0];
    if (trigger) trigger.config = { method: 'POST', responseMode: 'waitForRun', responseNodeId: 'nope' };
    const flow = (await api().post('/api/flows').send({ name: 'Bad answer', document }).expect(201)).body as FlowDetail;
    const refused = await api().post(`/api/flows/${flow.id}/publish`).expect(422);
    assert.deepEqual(
      refused.body.error.compileErrors.map((error: { nodeId: string; field: string }) => [error.nodeId, error.field]),
      [['hook', 'config.responseNodeId']],
    );
  });
});

describe('the flow record behind a webhook URL', () => {
  test('is read once a second per server; a write through the same server is seen at once, through another within the second', async () => {
    const { flow } = await webhookFlow('cached-record', {});
    const token = String(flow.webhookPath).split('/').pop() ?? '';
    // Two servers on one database: each has its own repository.
    const here = new FlowsRepository(harness.db);
    const there = new FlowsRepository(harness.db);
    const t0 = Date.now();
    const first = await here.findByWebhookToken(token, t0);
    assert.equal(first?.latestVersion, 1);
    const { workspaceId } = first;

    assert.ok(await there.advanceLatestVersion({ workspaceId, id: flow.id, current: 1, next: 2 }));
    assert.equal(
      (await here.findByWebhookToken(token, t0 + WEBHOOK_FLOW_CACHE_MS - 1))?.latestVersion,
      1,
      'another server’s publish is not seen inside the second',
    );
    assert.equal((await here.findByWebhookToken(token, t0 + WEBHOOK_FLOW_CACHE_MS))?.latestVersion, 2);

    assert.ok(await here.advanceLatestVersion({ workspaceId, id: flow.id, current: 2, next: 1 }));
    assert.equal(
      (await here.findByWebhookToken(token, t0 + WEBHOOK_FLOW_CACHE_MS + 1))?.latestVersion,
      1,
      'this server’s own write is seen by its next delivery',
    );
    assert.ok(await here.delete(workspaceId, flow.id));
    assert.equal(await here.findByWebhookToken(token, t0 + WEBHOOK_FLOW_CACHE_MS + 2), null, 'a deleted flow is gone');
    await api().post(flow.webhookPath).send({}).expect(404);
  });
});
