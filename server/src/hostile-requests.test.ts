/**
 * Hostile requests get a 4xx that names the problem, never a 500, and never change what is stored: JSON nested
 * thousands of levels deep, malformed percent-encoding, bodies that do not decode as their Content-Encoding says,
 * names that are not text, and node configs their own step refuses (at publish).  The real app on FerretDB and
 * Temporal.
 */

import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import type { ApiErrorBody, FlowDetail } from '@pipewright/api-contract';
import { toManifest } from '@pipewright/step-sdk';
import { httpRequestStep } from '@pipewright/steps-core';
import request from 'supertest';
import { WebhookRefusalsRepository } from './hooks/webhook-refusals.repository.ts';
import { type Harness, startHarness, type TestDocument, waitFor, webhookToHttpDocument } from './test-support.ts';

let harness: Harness;
/** The app on a port: supertest JSON-serialises Buffers sent as application/json, so encoded bodies go by fetch. */
let server: Server;
let baseUrl = '';
before(async () => {
  harness = await startHarness({ worker: false });
  server = createServer(harness.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the app has no TCP address');
  baseUrl = `http://127.0.0.1:${address.port}`;
});
after(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await harness?.stop();
});

/** POSTs exactly these bytes as JSON with a Content-Encoding (and the admin's token). */
async function postEncoded(path: string, encoding: string, body: Buffer): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'content-encoding': encoding,
      authorization: `Bearer ${harness.admin.token}`,
    },
    body,
  });
  return { status: response.status, body: await response.json() };
}

const api = () => harness.api();
const DEEP = 10_000;
/** `[[[…1…]]]` nested `depth` levels: JSON text, never parsed by the test. */
const nestedArrays = (depth: number): string => `${'['.repeat(depth)}1${']'.repeat(depth)}`;
/** `{"a":{"a":…}}` nested `depth` levels as a value (for depths JSON.stringify handles). */
function nestedObject(depth: number): unknown {
  let value: unknown = 1;
  for (let level = 0; level < depth; level++) value = { a: value };
  return value;
}

function errorOf(response: { body: unknown }): ApiErrorBody['error'] {
  return (response.body as ApiErrorBody).error;
}

/** A node document as JSON text with `configJson` spliced in as the config of an HTTP node (never parsed here). */
function documentWithConfig(configJson: string): string {
  return (
    '{"schemaVersion":1,"nodes":[' +
    '{"id":"start","type":"core.manual","typeVersion":1,"position":{"x":0,"y":0},"config":{}},' +
    `{"id":"call","type":"http.request","typeVersion":1,"position":{"x":200,"y":0},"config":${configJson}}],` +
    '"edges":[{"id":"e1","source":"start","target":"call"}]}'
  );
}

async function createFlow(name: string, document?: unknown): Promise<FlowDetail> {
  return (
    await api()
      .post('/api/flows')
      .send(document === undefined ? { name } : { name, document })
      .expect(201)
  ).body as FlowDetail;
}

async function storedFlow(id: string): Promise<unknown> {
  return harness.db.collection('flows').findOne({ _id: id as never });
}

async function publishedWebhookFlow(name: string, trigger: Record<string, unknown> = {}): Promise<FlowDetail> {
  const document: TestDocument = webhookToHttpDocument('http://127.0.0.1:9/unused');
  const hook = document.nodes[0];
  if (hook) hook.config = { method: 'POST', ...trigger };
  const flow = await createFlow(name, document);
  await api().post(`/api/flows/${flow.id}/publish`).expect(201);
  return flow;
}

const refusalsOf = (flow: FlowDetail) =>
  new WebhookRefusalsRepository(harness.db).listForFlow(harness.admin.workspaceId, flow.id, 20);

describe('JSON nested 10,000 levels deep', () => {
  test('a flow document: 400 naming the limit, nothing stored', async () => {
    const before = await harness.db.collection('flows').countDocuments();
    const response = await api()
      .post('/api/flows')
      .set('content-type', 'application/json')
      .send(`{"name":"Deep","document":${documentWithConfig(`{"url":${nestedArrays(DEEP)}}`)}}`)
      .expect(400);
    assert.equal(errorOf(response).code, 'too_deeply_nested');
    assert.equal(errorOf(response).message, 'body: JSON nests deeper than 256 levels, the limit for request bodies');
    assert.equal(await harness.db.collection('flows').countDocuments(), before);
  });

  test('a node config in a draft save: 400, and the stored flow is unchanged', async () => {
    const flow = await createFlow('Deep save', JSON.parse(documentWithConfig('{"url":"https://example.com/"}')));
    const stored = await storedFlow(flow.id);
    const response = await api()
      .put(`/api/flows/${flow.id}`)
      .set('content-type', 'application/json')
      .send(`{"revision":0,"name":"Renamed","document":${documentWithConfig(`{"body":${nestedArrays(DEEP)}}`)}}`)
      .expect(400);
    assert.equal(errorOf(response).code, 'too_deeply_nested');
    assert.deepEqual(await storedFlow(flow.id), stored);
  });

  test('a document under the body limit but deeper than 64 levels: 400 naming where, stored flow unchanged', async () => {
    const flow = await createFlow('Deep-ish save');
    const stored = await storedFlow(flow.id);
    const document = JSON.parse(documentWithConfig('{"url":"https://example.com/"}')) as TestDocument;
    const call = document.nodes[1];
    assert.ok(call);
    // document 1 → nodes 2 → node 3 → config 4 → body 5…: 61 more levels make 65.
    call.config = { ...call.config, body: nestedObject(61) };
    const response = await api().put(`/api/flows/${flow.id}`).send({ revision: 0, document }).expect(400);
    assert.equal(errorOf(response).code, 'too_deeply_nested');
    assert.equal(
      errorOf(response).message,
      'document.nodes.1.config.body.a.a…: JSON nests deeper than 64 levels, the limit for flow documents',
    );
    assert.deepEqual(await storedFlow(flow.id), stored);
    // Exactly 64 levels is allowed.
    call.config = { ...call.config, body: nestedObject(60) };
    await api().put(`/api/flows/${flow.id}`).send({ revision: 0, document }).expect(200);
  });

  test('a manual-run payload: 400 before anything starts', async () => {
    const flow = await createFlow('Deep run', JSON.parse(documentWithConfig('{"url":"https://example.com/"}')));
    const response = await api()
      .post(`/api/flows/${flow.id}/runs`)
      .set('content-type', 'application/json')
      .send(`{"payload":${nestedArrays(DEEP)}}`)
      .expect(400);
    assert.equal(errorOf(response).code, 'too_deeply_nested');
    assert.equal(await harness.db.collection('runs').countDocuments({ flowId: flow.id }), 0);
  });

  test('a step-test input: 400', async () => {
    const flow = await createFlow('Deep test', JSON.parse(documentWithConfig('{"url":"https://example.com/"}')));
    const response = await api()
      .post(`/api/flows/${flow.id}/nodes/call/test`)
      .set('content-type', 'application/json')
      .send(`{"input":{"url":"https://example.com/","body":${nestedArrays(DEEP)}}}`)
      .expect(400);
    assert.equal(errorOf(response).code, 'too_deeply_nested');
  });

  test('resume payloads, by API and by signed link: 400', async () => {
    const byApi = await api()
      .post('/api/runs/run_unknown/resume')
      .set('content-type', 'application/json')
      .send(`{"payload":${nestedArrays(DEEP)}}`)
      .expect(400);
    assert.equal(errorOf(byApi).code, 'too_deeply_nested');
    const byLink = await request(harness.app)
      .post('/hooks/resume/not-a-token')
      .set('content-type', 'application/json')
      .send(nestedArrays(DEEP))
      .expect(400);
    assert.equal(errorOf(byLink).code, 'too_deeply_nested');
  });

  test('a webhook body: 400 naming the limit, recorded as refused, no run', async () => {
    const flow = await publishedWebhookFlow('Deep hook');
    const response = await request(harness.app)
      .post(flow.webhookPath)
      .set('content-type', 'application/json')
      .send(nestedArrays(DEEP))
      .expect(400);
    assert.deepEqual(errorOf(response), {
      code: 'too_deeply_nested',
      message: 'body: JSON nests deeper than 256 levels, the limit for webhook bodies',
      issues: [{ path: 'body', message: 'nests deeper than 256 levels' }],
    });
    const [refusal] = await refusalsOf(flow);
    assert.equal(refusal?.reason, 'too_deeply_nested');
    assert.equal(refusal?.status, 400);
    assert.equal(refusal?.method, 'POST');
    assert.ok(refusal && Date.now() - refusal.at.getTime() < 60_000);
    assert.equal(await harness.db.collection('runs').countDocuments({ flowId: flow.id }), 0);
  });

  test('other refused deliveries are recorded too (content type, unpublished flow)', async () => {
    const flow = await publishedWebhookFlow('Picky hook', { contentTypes: ['application/json'] });
    await request(harness.app).post(flow.webhookPath).set('content-type', 'text/plain').send('hi').expect(415);
    const unpublished = await createFlow('Unpublished hook');
    await request(harness.app).post(unpublished.webhookPath).send({}).expect(404);
    assert.deepEqual(
      (await refusalsOf(flow)).map((refusal) => [refusal.status, refusal.reason]),
      [[415, 'unsupported_media_type']],
    );
    assert.deepEqual(
      (await refusalsOf(unpublished)).map((refusal) => [refusal.status, refusal.reason]),
      [[404, 'not_published']],
    );
  });
});

describe('malformed percent-encoding in a path segment', () => {
  for (const [method, path] of [
    ['get', '/api/flows/%ZZ'],
    ['put', '/api/flows/%ZZ'],
    ['get', '/api/runs/%ZZ'],
    ['get', '/api/flows/%E0%A4%A/versions'],
    ['post', '/hooks/%ZZ'],
    ['post', '/hooks/resume/%ZZ'],
  ] as const) {
    test(`${method.toUpperCase()} ${path}: 400 invalid_path`, async () => {
      const response = await api()[method](path).send({}).expect(400);
      assert.equal(errorOf(response).code, 'invalid_path');
      assert.match(errorOf(response).message, /^The URL path is not valid percent-encoding/);
    });
  }
});

describe('bodies that do not decode as their Content-Encoding says', () => {
  const garbage: [string, Buffer][] = [
    ['gzip', Buffer.from('this is not gzip')],
    ['gzip', gzipSync(JSON.stringify({ name: 'Cut short' })).subarray(0, 20)],
    ['br', Buffer.from('this is not brotli')],
    ['deflate', Buffer.from('this is not deflate')],
    ['zstd', Buffer.from('this is not zstd')],
  ];
  for (const [encoding, body] of garbage) {
    test(`${encoding} (${body.length} bytes) on the API: 400 naming the encoding`, async () => {
      const before = await harness.db.collection('flows').countDocuments();
      const response = await postEncoded('/api/flows', encoding, body);
      assert.equal(response.status, 400);
      assert.equal(errorOf(response).code, 'invalid_content_encoding');
      assert.match(errorOf(response).message, new RegExp(`^Request body could not be decoded as ${encoding} `));
      assert.equal(await harness.db.collection('flows').countDocuments(), before);
    });
  }

  test('a body that is gzip indeed is read', async () => {
    const response = await postEncoded('/api/flows', 'gzip', gzipSync(JSON.stringify({ name: 'Zipped' })));
    assert.equal(response.status, 201);
    assert.equal((response.body as FlowDetail).name, 'Zipped');
  });

  test('a webhook delivery that does not gunzip: 400, recorded as refused', async () => {
    const flow = await publishedWebhookFlow('Zipped hook');
    const response = await postEncoded(flow.webhookPath, 'gzip', Buffer.from('not gzip'));
    assert.equal(response.status, 400);
    assert.equal(errorOf(response).code, 'invalid_content_encoding');
    assert.deepEqual(
      (await refusalsOf(flow)).map((refusal) => refusal.reason),
      ['invalid_content_encoding'],
    );
  });
});

describe('API bodies that are not labelled JSON', () => {
  test('are refused with 415 naming their media type, not read as no body (a run without its payload)', async () => {
    const flow = await publishedWebhookFlow('Plain text run');
    for (const type of ['text/plain', 'application/x-www-form-urlencoded']) {
      const response = await fetch(`${baseUrl}/api/flows/${flow.id}/runs`, {
        method: 'POST',
        headers: { 'content-type': type, authorization: `Bearer ${harness.admin.token}` },
        body: JSON.stringify({ source: 'published', payload: { order: 7 } }),
      });
      assert.equal(response.status, 415);
      const { error } = (await response.json()) as ApiErrorBody;
      assert.deepEqual(
        [error.code, error.message],
        ['unsupported_media_type', `Request body must be JSON (Content-Type: application/json), not ${type}`],
      );
    }
    const runs = (await api().get(`/api/runs?flowId=${flow.id}`).expect(200)).body as { items: unknown[] };
    assert.deepEqual(runs.items, []);
    // JSON with a charset, and requests without a body, are fine.
    await api()
      .post(`/api/flows/${flow.id}/runs`)
      .set('content-type', 'application/json; charset=utf-8')
      .send(JSON.stringify({ source: 'published', payload: { order: 8 } }))
      .expect(202);
  });
});

describe('a form body that repeats one field', () => {
  test('200,000 repeats (800 KB) are read as one array, and the delivery is answered', async () => {
    const flow = await publishedWebhookFlow('Repeated form field');
    const response = await fetch(`${baseUrl}${flow.webhookPath}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'n=1&'.repeat(200_000),
    });
    assert.equal(response.status, 202);
    const { runId } = (await response.json()) as { runId: string };
    // What the run was started with (no worker runs it here): the fields as the trigger's output.
    const history = await waitFor('the run to be started on Temporal', () =>
      harness.temporal.workflow
        .getHandle(runId)
        .fetchHistory()
        .catch(() => undefined),
    );
    const data = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0]?.data;
    const input = JSON.parse(Buffer.from(data ?? []).toString('utf8')) as { trigger: { body: { n: unknown[] } } };
    assert.equal(input.trigger.body.n.length, 200_000);
  });
});

describe('names with NUL or lone surrogates', () => {
  const NUL = 'Nightly\u0000import';
  /** JSON text: JSON.stringify would keep a lone surrogate as an escape anyway; this makes it explicit. */
  const loneSurrogateJson = (field: string, rest = '') => `{"${field}":"Nightly \\ud800 import"${rest}}`;

  test('a flow: 400 naming the field and the character', async () => {
    const nul = await api().post('/api/flows').send({ name: NUL }).expect(400);
    assert.equal(errorOf(nul).message, 'name: must not contain control characters (U+0000 at position 8)');
    const surrogate = await api()
      .post('/api/flows')
      .set('content-type', 'application/json')
      .send(loneSurrogateJson('name'))
      .expect(400);
    assert.equal(
      errorOf(surrogate).message,
      'name: must be valid Unicode text (unpaired surrogate U+D800 at position 9)',
    );
  });

  test('a rename is refused and the stored flow keeps its name', async () => {
    const flow = await createFlow('Keeps its name');
    const stored = await storedFlow(flow.id);
    await api()
      .put(`/api/flows/${flow.id}`)
      .set('content-type', 'application/json')
      .send(loneSurrogateJson('name', ',"revision":0'))
      .expect(400);
    await api().put(`/api/flows/${flow.id}`).send({ name: NUL, revision: 0 }).expect(400);
    assert.deepEqual(await storedFlow(flow.id), stored);
    // Paired surrogates (emoji) are text.
    const renamed = await api().put(`/api/flows/${flow.id}`).send({ name: 'Nightly 🚀', revision: 0 }).expect(200);
    assert.equal((renamed.body as FlowDetail).name, 'Nightly 🚀');
  });

  test('a credential', async () => {
    const response = await api()
      .post('/api/credentials')
      .send({ name: NUL, type: 'apiKey', values: { apiKey: 'k-123' } })
      .expect(400);
    assert.equal(errorOf(response).issues?.[0]?.path, 'name');
    assert.equal(await harness.db.collection('credentials').countDocuments({ name: NUL }), 0);
  });

  test('a workspace (and its first user) at sign-up, an API token', async () => {
    const signup = await request(harness.app)
      .post('/api/auth/signup')
      .send({ email: 'nul@example.test', password: 'correct horse battery', name: 'N', workspaceName: NUL })
      .expect(400);
    assert.equal(errorOf(signup).issues?.[0]?.path, 'workspaceName');
    const token = await api().post('/api/tokens').send({ name: NUL }).expect(400);
    assert.equal(errorOf(token).issues?.[0]?.path, 'name');
  });

  test('a step package and the titles of its steps', async () => {
    const step = { ...toManifest(httpRequestStep), type: 'nul-steps.call' };
    const named = await api()
      .post('/api/step-packages')
      .send({ name: 'nul\u0000steps', version: '1.0.0', steps: [step] })
      .expect(400);
    assert.equal(errorOf(named).issues?.[0]?.path, 'name');
    const titled = await api()
      .post('/api/step-packages')
      .send({ name: 'nul-steps', version: '1.0.0', steps: [{ ...step, title: 'Call\u0000' }] })
      .expect(400);
    assert.equal(errorOf(titled).issues?.[0]?.path, 'steps.0.title');
    assert.equal(await harness.db.collection('step_packages').countDocuments(), 0);
  });
});

describe('publish checks every node config against its step', () => {
  test('a signature header that is not a header name: saved as a draft, refused at publish naming node and field', async () => {
    const document = webhookToHttpDocument('https://example.com/hook');
    const hook = document.nodes[0];
    assert.ok(hook);
    hook.config = { method: 'POST', verification: 'hmac', signatureHeader: 'X-Signature: sha256' };
    const flow = await createFlow('Bad header', document);
    const response = await api().post(`/api/flows/${flow.id}/publish`).expect(422);
    assert.equal(errorOf(response).code, 'compile_failed');
    assert.deepEqual(errorOf(response).compileErrors, [
      {
        code: 'invalid_config',
        nodeId: 'hook',
        field: 'config.signatureHeader',
        message: 'Signature header: must be a header name',
      },
    ]);
    assert.equal((await api().get(`/api/flows/${flow.id}`).expect(200)).body.latestVersion, null);
  });

  test('an HTTP step URL with an ftp:// scheme is refused at publish', async () => {
    const flow = await createFlow('FTP', webhookToHttpDocument('ftp://files.example.com/export.csv'));
    const response = await api().post(`/api/flows/${flow.id}/publish`).expect(422);
    assert.deepEqual(
      errorOf(response).compileErrors?.map(({ nodeId, field, message }) => ({ nodeId, field, message })),
      [{ nodeId: 'call', field: 'config.url', message: 'URL: must be an http:// or https:// URL' }],
    );
    assert.equal(await harness.db.collection('flow_versions').countDocuments({ flowId: flow.id }), 0);
  });

  test('a trigger config is read as it is: an expression where a header name belongs is refused', async () => {
    const document = webhookToHttpDocument('https://example.com/hook');
    const hook = document.nodes[0];
    assert.ok(hook);
    hook.config = { method: 'POST', verification: 'hmac', signatureHeader: '{{ trigger.headers.name }}' };
    const flow = await createFlow('Templated header', document);
    const response = await api().post(`/api/flows/${flow.id}/publish`).expect(422);
    assert.deepEqual(
      errorOf(response).compileErrors?.map(({ nodeId, field }) => ({ nodeId, field })),
      [{ nodeId: 'hook', field: 'config.signatureHeader' }],
    );
  });

  test('expressions are values known only at run time: they pass', async () => {
    const document = webhookToHttpDocument('{{ trigger.body.callbackUrl }}');
    const call = document.nodes[1];
    assert.ok(call);
    call.config = {
      ...call.config,
      headers: { 'x-trace': '{{ trigger.headers.traceparent }}' },
      query: '{{ trigger.query }}',
    };
    const flow = await createFlow('Expressions', document);
    await api().post(`/api/flows/${flow.id}/publish`).expect(201);
  });

  test('a version published before this check, with an invalid trigger config, refuses deliveries (not unsigned)', async () => {
    const flow = await publishedWebhookFlow('Legacy header', { verification: 'hmac', signatureHeader: 'x-signature' });
    const versions = harness.db.collection<{ flowId: string; planJson: string }>('flow_versions');
    const version = await versions.findOne({ flowId: flow.id });
    assert.ok(version);
    const plan = JSON.parse(version.planJson) as { nodes: { id: string; config: Record<string, unknown> }[] };
    for (const node of plan.nodes) if (node.id === 'hook') node.config.signatureHeader = 'not a header';
    await versions.updateOne({ flowId: flow.id }, { $set: { planJson: JSON.stringify(plan) } });
    const response = await request(harness.app).post(flow.webhookPath).send({ unsigned: true }).expect(409);
    assert.equal(errorOf(response).code, 'trigger_misconfigured');
    assert.match(errorOf(response).message, /signatureHeader: must be a header name/);
    assert.equal(await harness.db.collection('runs').countDocuments({ flowId: flow.id }), 0);
  });
});
