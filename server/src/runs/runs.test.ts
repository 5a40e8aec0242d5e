import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FlowDetail, RunDetail, RunSummary, StartRunResponse } from '@pipewright/api-contract';
import { awaitRun, type Harness, startHarness, TargetServer, webhookToHttpDocument } from '../test-support.ts';

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

/** Creates and publishes a webhook → HTTP flow calling `url`; returns the flow. */
async function publishedFlow(name: string, url: string): Promise<FlowDetail> {
  const created = (
    await api()
      .post('/api/flows')
      .send({ name, document: webhookToHttpDocument(url) })
      .expect(201)
  ).body as FlowDetail;
  await api().post(`/api/flows/${created.id}/publish`).expect(201);
  return created;
}

/** The `body` of a node's output (the HTTP step's parsed response, or the trigger's request body). */
function responseBody(run: RunDetail | undefined, nodeId: string): unknown {
  const output = run?.nodes[nodeId]?.output;
  assert.ok(
    typeof output === 'object' && output !== null && 'body' in output,
    `node ${nodeId} has an output with a body`,
  );
  return output.body;
}

/** When Temporal closed the run, and how long after it started: what the API reports as endedAt and durationMs. */
async function temporalTimes(runId: string): Promise<{ endedAt: string | undefined; durationMs: number }> {
  const { startTime, closeTime } = await harness.temporal.workflow.getHandle(runId).describe();
  return { endedAt: closeTime?.toISOString(), durationMs: Number(closeTime) - startTime.getTime() };
}

async function finishedRun(runId: string): Promise<RunDetail> {
  await awaitRun(harness.temporal, runId);
  return (await api().get(`/api/runs/${runId}`).expect(200)).body as RunDetail;
}

describe('webhook runs', () => {
  test('a webhook POST starts a run whose HTTP step outputs the target’s JSON', async () => {
    const url = target.script('/ok', [{ status: 200, body: { received: true, items: [1, 2] } }]);
    const flow = await publishedFlow('Hooked', url);
    const started = await api()
      .post(`${flow.webhookPath}?source=test`)
      .set('authorization', 'Bearer secret')
      .set('x-delivery', 'd1')
      .send({ name: 'Ada' })
      .expect(202);
    const { runId } = started.body as StartRunResponse;
    assert.match(runId, /^run_/);

    const run = await finishedRun(runId);
    assert.equal(run.status, 'succeeded');
    assert.equal(run.version, 1);
    assert.equal(run.trigger, 'webhook');
    assert.equal(run.flowName, 'Hooked');
    assert.deepEqual(responseBody(run, 'call'), { received: true, items: [1, 2] });
    assert.equal(run.nodes.call?.attempts, 1);
    assert.equal(run.error, null);
    assert.deepEqual(
      run.document?.nodes.map((node) => node.id),
      ['hook', 'call'],
    );

    const trigger = run.nodes.hook?.output as {
      method: string;
      headers: Record<string, string>;
      query: unknown;
      body: unknown;
    };
    assert.equal(trigger.method, 'POST');
    assert.deepEqual(trigger.body, { name: 'Ada' });
    assert.deepEqual(trigger.query, { source: 'test' });
    assert.equal(trigger.headers['x-delivery'], 'd1');
    assert.equal(trigger.headers.authorization, undefined, 'credentials never enter the run');
    const sent = target.requests.filter((item) => item.path === '/ok').at(-1);
    assert.deepEqual(JSON.parse(sent?.body ?? 'null'), { name: 'Ada' });
  });

  test('a step failing once with 500 is retried and the run succeeds on attempt 2', async () => {
    const url = target.script('/flaky', [
      { status: 500, body: { error: 'try again' } },
      { status: 200, body: { ok: true } },
    ]);
    const flow = await publishedFlow('Flaky', url);
    const { runId } = (await api().post(flow.webhookPath).send({ name: 'B' }).expect(202)).body as StartRunResponse;
    const run = await finishedRun(runId);
    assert.equal(run.status, 'succeeded');
    assert.equal(run.nodes.call?.attempts, 2);
    assert.deepEqual(responseBody(run, 'call'), { ok: true });
  });

  test('a step that always fails fails the run, with the error on that node', async () => {
    const url = target.script('/down', [{ status: 503, body: { error: 'down' } }]);
    const flow = await publishedFlow('Down', url);
    const { runId } = (await api().post(flow.webhookPath).send({}).expect(202)).body as StartRunResponse;
    const run = await finishedRun(runId);
    assert.equal(run.status, 'failed');
    assert.deepEqual(run.error, { nodeId: 'call', message: `POST ${url} answered 503` });
    assert.equal(run.nodes.call?.status, 'failed');
    assert.equal(run.nodes.call?.attempts, 3);
    assert.equal(run.nodes.call?.error?.message, `POST ${url} answered 503`);
    assert.deepEqual(await temporalTimes(runId), { endedAt: run.endedAt, durationMs: run.durationMs });
    assert.ok(Number(run.durationMs) >= 100, 'the two 50 ms retry intervals are part of the run');
  });

  test('form and text bodies are decoded; other methods are refused with 405', async () => {
    const url = target.script('/form', [{ status: 200, body: {} }]);
    const flow = await publishedFlow('Forms', url);
    const { runId } = (await api().post(flow.webhookPath).type('form').send('name=Grace&tag=a&tag=b').expect(202))
      .body as StartRunResponse;
    const run = await finishedRun(runId);
    assert.deepEqual(responseBody(run, 'hook'), { name: 'Grace', tag: ['a', 'b'] });
    const wrongMethod = await api().delete(flow.webhookPath).expect(405);
    assert.equal(wrongMethod.headers.allow, 'POST');
  });

  test('unknown tokens, unpublished flows and oversized bodies are refused', async () => {
    const unknown = await api().post('/hooks/0123456789abcdef0123456789abcdef').send({}).expect(404);
    assert.equal(unknown.body.error.code, 'not_found');
    const draft = (
      await api()
        .post('/api/flows')
        .send({ name: 'Draft only', document: webhookToHttpDocument('http://127.0.0.1:9/') })
        .expect(201)
    ).body as FlowDetail;
    const unpublished = await api().post(draft.webhookPath).send({}).expect(404);
    assert.equal(unpublished.body.error.code, 'not_published');
    const big = await api()
      .post(draft.webhookPath)
      .set('content-type', 'text/plain')
      .send('x'.repeat(1_100_000))
      .expect(413);
    assert.equal(big.body.error.code, 'payload_too_large');
  });

  test('a run that would start with more than Temporal takes is refused with 413, and nothing is recorded', async () => {
    const document = webhookToHttpDocument('http://127.0.0.1:9/');
    const trigger = document.nodes[0];
    if (trigger) trigger.config = { method: 'POST', maxBodyBytes: 4 * 1024 * 1024, contentTypes: ['text/plain'] };
    const flow = (await api().post('/api/flows').send({ name: 'Huge input', document }).expect(201)).body as FlowDetail;
    await api().post(`/api/flows/${flow.id}/publish`).expect(201);
    const huge = 'x'.repeat(2 * 1024 * 1024);
    const delivery = await api().post(flow.webhookPath).set('content-type', 'text/plain').send(huge).expect(413);
    assert.equal(delivery.body.error.code, 'run_input_too_large');
    assert.match(
      delivery.body.error.message,
      /^The run would start with 2\.0 MB of trigger data and plan; a run starts with at most 1\.5 MB/,
    );
    const manual = await api()
      .post(`/api/flows/${flow.id}/runs`)
      .send({ source: 'published', payload: huge })
      .expect(413);
    assert.equal(manual.body.error.code, 'run_input_too_large');
    const listed = (await api().get(`/api/runs?flowId=${flow.id}`).expect(200)).body as { items: unknown[] };
    assert.deepEqual(listed.items, []);
  });
});

describe('manual runs', () => {
  test('a draft run compiles the current draft as version 0 and keeps its document', async () => {
    const url = target.script('/manual', [{ status: 200, body: { hello: 'draft' } }]);
    const created = (
      await api()
        .post('/api/flows')
        .send({ name: 'Manual', document: webhookToHttpDocument(url, 'core.manual') })
        .expect(201)
    ).body as FlowDetail;
    const { runId } = (
      await api()
        .post(`/api/flows/${created.id}/runs`)
        .send({ payload: { name: 'Lin' } })
        .expect(202)
    ).body as StartRunResponse;
    const run = await finishedRun(runId);
    assert.equal(run.status, 'succeeded');
    assert.equal(run.version, 0);
    assert.equal(run.trigger, 'manual');
    assert.deepEqual(run.nodes.hook?.output, { body: { name: 'Lin' } });
    assert.deepEqual(responseBody(run, 'call'), { hello: 'draft' });
    assert.deepEqual(run.document, created.document);
  });

  test('a manual run of a webhook flow sees a synthetic POST; published runs need a version', async () => {
    const url = target.script('/manual-hook', [{ status: 200, body: {} }]);
    const created = (
      await api()
        .post('/api/flows')
        .send({ name: 'Manual hook', document: webhookToHttpDocument(url) })
        .expect(201)
    ).body as FlowDetail;
    const never = await api().post(`/api/flows/${created.id}/runs`).send({ source: 'published' }).expect(409);
    assert.equal(never.body.error.code, 'not_published');
    await api().post(`/api/flows/${created.id}/publish`).expect(201);
    const { runId } = (
      await api().post(`/api/flows/${created.id}/runs`).send({ source: 'published', payload: 7 }).expect(202)
    ).body as StartRunResponse;
    const run = await finishedRun(runId);
    assert.equal(run.version, 1);
    assert.deepEqual(run.nodes.hook?.output, { method: 'POST', headers: {}, query: {}, body: 7 });
  });

  test('a draft with compile errors is refused with 422 and starts nothing', async () => {
    const created = (await api().post('/api/flows').send({ name: 'Empty' }).expect(201)).body as FlowDetail;
    const response = await api().post(`/api/flows/${created.id}/runs`).send({}).expect(422);
    assert.equal(response.body.error.code, 'compile_failed');
    const runs = (await api().get(`/api/runs?flowId=${created.id}`).expect(200)).body as { items: unknown[] };
    assert.deepEqual(runs.items, []);
  });
});

describe('run listing and live events', () => {
  test('the runs list shows status, version and timings, newest first', async () => {
    const url = target.script('/list', [{ status: 200, body: {} }]);
    const flow = await publishedFlow('Listed', url);
    const beforeFirst = Date.now();
    const first = (await api().post(flow.webhookPath).send({}).expect(202)).body as StartRunResponse;
    const betweenThem = Date.now();
    const second = (await api().post(flow.webhookPath).send({}).expect(202)).body as StartRunResponse;
    const afterSecond = Date.now();
    await Promise.all([awaitRun(harness.temporal, first.runId), awaitRun(harness.temporal, second.runId)]);
    const list = (await api().get(`/api/runs?flowId=${flow.id}&limit=10`).expect(200)).body as { items: RunSummary[] };
    assert.deepEqual(
      list.items.map((item) => item.id),
      [second.runId, first.runId],
    );
    for (const item of list.items) {
      assert.equal(item.status, 'succeeded');
      assert.equal(item.version, 1);
      assert.equal(item.flowId, flow.id);
      assert.deepEqual(await temporalTimes(item.id), { endedAt: item.endedAt, durationMs: item.durationMs });
    }
    // startedAt: when the webhook was accepted.
    const [secondStart, firstStart] = list.items.map((item) => Date.parse(item.startedAt));
    assert.ok(
      Number(firstStart) >= beforeFirst && Number(firstStart) <= betweenThem,
      `first ${firstStart} in ${beforeFirst}…${betweenThem}`,
    );
    assert.ok(
      Number(secondStart) >= betweenThem && Number(secondStart) <= afterSecond,
      `second ${secondStart} in ${betweenThem}…${afterSecond}`,
    );
    const bad = await api().get('/api/runs?limit=500').expect(400);
    assert.match(bad.body.error.message, /^limit: /);
    await api().get('/api/runs/run_unknown').expect(404);
  });

  test('the events stream sends run details until the run closes, then ends', async () => {
    const url = target.script('/sse', [{ status: 200, body: { streamed: true } }]);
    const flow = await publishedFlow('Streamed', url);
    const { runId } = (await api().post(flow.webhookPath).send({}).expect(202)).body as StartRunResponse;
    const response = await api()
      .get(`/api/runs/${runId}/events`)
      .buffer(true)
      .parse((res, done) => {
        let text = '';
        res.on('data', (chunk: Buffer) => {
          text += chunk.toString('utf8');
        });
        res.on('end', () => done(null, text));
      })
      .expect(200);
    assert.match(response.headers['content-type'] ?? '', /text\/event-stream/);
    const text = response.body as string;
    const details = [...text.matchAll(/^data: (.*)$/gm)]
      .map((match) => JSON.parse(match[1] ?? 'null') as RunDetail)
      .filter((item) => 'status' in item);
    assert.ok(details.length >= 1);
    const last = details.at(-1);
    assert.equal(last?.status, 'succeeded');
    assert.deepEqual(responseBody(last, 'call'), { streamed: true });
    assert.match(text, /event: end\n/);
    const distinct = new Set(details.map((item) => JSON.stringify(item)));
    assert.equal(distinct.size, details.length, 'only changes are sent');
  });
});
