import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type {
  CredentialSummary,
  FlowDetail,
  FlowFile,
  FlowImportResponse,
  RunDetail,
  StartRunResponse,
} from '@pipewright/api-contract';
import {
  awaitRun,
  createSignedInAgent,
  type Harness,
  provisionWorkspace,
  type SignedInUser,
  signedInAgent,
  startHarness,
  TargetServer,
  webhookToHttpDocument,
} from '../test-support.ts';
import { CREDENTIAL_UNSET } from './flow-import.service.ts';

const SECRET_TOKEN = 'tok-export-must-never-leak-7f3a';

let harness: Harness;
let other: SignedInUser;
const target = new TargetServer();
before(async () => {
  await target.start();
  harness = await startHarness({ worker: true });
  other = await provisionWorkspace(harness.app, harness.db);
});
after(async () => {
  await harness?.stop();
  await target.stop();
});

const api = () => harness.api();
const otherApi = () => signedInAgent(harness.app, other.token);
let credentials = 0;
const flowCount = () => harness.db.collection('flows').countDocuments();

/** webhook → http.request with a bearer credential picked, plus a flow-level error handler and an undo step. */
async function flowWithCredential(url: string): Promise<{ flow: FlowDetail; credentialId: string }> {
  const credential = (
    await api()
      .post('/api/credentials')
      .send({ name: `Fulfilment token ${++credentials}`, type: 'bearerToken', values: { token: SECRET_TOKEN } })
      .expect(201)
  ).body as CredentialSummary;
  const document = webhookToHttpDocument(url);
  const call = document.nodes[1];
  assert.ok(call);
  call.config = { ...call.config, credentials: { auth: credential.id } };
  const flow = (await api().post('/api/flows').send({ name: 'Orders / fulfilment: "v2"', document }).expect(201))
    .body as FlowDetail;
  return { flow, credentialId: credential.id };
}

async function exportText(flowId: string, query = ''): Promise<string> {
  const response = await api().get(`/api/flows/${flowId}/export${query}`).buffer(true).expect(200);
  assert.match(String(response.headers['content-type']), /application\/json/);
  return response.text;
}

describe('flow files: GET /api/flows/:id/export and POST /api/flows/import', () => {
  test('export holds no credential id nor secret, has sorted keys and the same bytes twice', async () => {
    const { flow, credentialId } = await flowWithCredential('http://127.0.0.1:9/unused');
    const response = await api().get(`/api/flows/${flow.id}/export`).buffer(true).expect(200);
    assert.match(
      String(response.headers['content-disposition']),
      /^attachment; filename="Orders - fulfilment- -v2-\.pipewright\.json"/,
    );
    const text = response.text;
    assert.equal(text.includes(credentialId), false, 'no credential id');
    assert.equal(text.includes(SECRET_TOKEN), false, 'no secret');
    assert.equal(text.includes('"credentials"'), false, 'no credential reference at all');
    assert.equal(await exportText(flow.id), text, 'a re-export is byte-identical');

    const file = JSON.parse(text) as FlowFile;
    assert.deepEqual(Object.keys(file), ['document', 'exportedAt', 'format', 'formatVersion', 'name']);
    assert.equal(file.format, 'pipewright.flow');
    assert.equal(file.formatVersion, 1);
    assert.equal(file.name, flow.name);
    assert.deepEqual(Object.keys(file.document.nodes[1] ?? {}), [
      'config',
      'id',
      'position',
      'settings',
      'type',
      'typeVersion',
    ]);
    assert.deepEqual(file.document.nodes[1]?.config, {
      body: { name: '{{ trigger.body.name }}' },
      method: 'POST',
      url: 'http://127.0.0.1:9/unused',
    });

    // A published version: that version's document, credentials removed too.
    await api().post(`/api/flows/${flow.id}/publish`).expect(201);
    const versionText = await exportText(flow.id, '?version=1');
    assert.equal(versionText.includes(credentialId), false);
    assert.equal((JSON.parse(versionText) as FlowFile).version, 1);
    await api().get(`/api/flows/${flow.id}/export?version=7`).expect(404);
    await api().get(`/api/flows/${flow.id}/export?version=zero`).expect(400);
    // Another workspace cannot read it.
    await otherApi().get(`/api/flows/${flow.id}/export`).expect(404);
    await api().delete(`/api/flows/${flow.id}`).expect(204);
  });

  for (const where of ['the same workspace', 'another workspace'] as const) {
    test(`round trip into ${where}: a new draft, credentials unset and reported, publishes and runs`, async () => {
      const path = where === 'the same workspace' ? '/same/orders' : '/other/orders';
      const url = target.script(path, [{ status: 200, body: { accepted: true } }]);
      const { flow } = await flowWithCredential(url);
      const file = JSON.parse(await exportText(flow.id)) as FlowFile;
      const into = where === 'the same workspace' ? api : otherApi;

      const imported = (await into().post('/api/flows/import').send(file).expect(201)).body as FlowImportResponse;
      assert.notEqual(imported.flow.id, flow.id);
      assert.equal(imported.flow.name, flow.name);
      assert.equal(imported.flow.latestVersion, null, 'never published');
      assert.deepEqual(imported.report, [{ node: 'call', field: 'credentials.auth', problem: CREDENTIAL_UNSET }]);
      assert.equal(imported.flow.document.nodes[1]?.config.credentials, undefined);
      assert.deepEqual(
        imported.flow.document.nodes.map((node) => node.id),
        flow.document.nodes.map((node) => node.id),
      );
      // The original keeps its credential.
      const original = (await api().get(`/api/flows/${flow.id}`).expect(200)).body as FlowDetail;
      assert.ok(original.document.nodes[1]?.config.credentials);

      await into().post(`/api/flows/${imported.flow.id}/publish`).expect(201);
      const started = await into().post(imported.flow.webhookPath).send({ name: 'Ada' }).expect(202);
      const runId = (started.body as StartRunResponse).runId;
      await awaitRun(harness.temporal, runId);
      const run = (await into().get(`/api/runs/${runId}`).expect(200)).body as RunDetail;
      assert.equal(run.status, 'succeeded', JSON.stringify(run.error));
      const sent = target.requests.filter((request) => request.path === path);
      assert.equal(sent.length, 1);
      assert.deepEqual(JSON.parse(sent[0]?.body ?? 'null'), { name: 'Ada' });
    });
  }

  test('flows the file names are kept, and flagged where this workspace lacks them; { file, name } names it', async () => {
    const handler = (await api().post('/api/flows').send({ name: 'Error handler' }).expect(201)).body as FlowDetail;
    const document = {
      schemaVersion: 1,
      settings: { errorFlowId: handler.id },
      nodes: [
        { id: 'start', type: 'core.manual', typeVersion: 1, position: { x: 0, y: 0 }, config: {} },
        {
          id: 'child',
          type: 'core.subflow',
          typeVersion: 1,
          position: { x: 200, y: 0 },
          config: { flowId: handler.id, input: '{{ steps.start }}' },
        },
      ],
      edges: [{ id: 'e1', source: 'start', target: 'child' }],
    };
    const flow = (await api().post('/api/flows').send({ name: 'Caller', document }).expect(201)).body as FlowDetail;
    const file = JSON.parse(await exportText(flow.id)) as FlowFile;

    const same = (await api().post('/api/flows/import').send({ file, name: 'Caller (copy)' }).expect(201))
      .body as FlowImportResponse;
    assert.equal(same.flow.name, 'Caller (copy)');
    assert.deepEqual(same.report, []);
    assert.equal(same.flow.document.settings?.errorFlowId, handler.id);

    const elsewhere = (await otherApi().post('/api/flows/import').send(file).expect(201)).body as FlowImportResponse;
    assert.equal(elsewhere.flow.document.settings?.errorFlowId, handler.id, 'kept');
    assert.deepEqual(
      elsewhere.report.map((entry) => `${entry.node ?? ''}|${entry.field ?? ''}`),
      ['|settings.errorFlowId', 'child|flowId'],
    );
    assert.equal(elsewhere.flow.document.nodes[1]?.config.input, '{{ steps.start }}');
  });

  test('a hand-made file with credential ids: removed and reported, including undo steps', async () => {
    const file = {
      format: 'pipewright.flow',
      formatVersion: 1,
      name: 'Hand made',
      exportedAt: '2026-01-01T00:00:00.000Z',
      document: {
        schemaVersion: 1,
        nodes: [
          { id: 'start', type: 'core.manual', typeVersion: 1, position: { x: 0, y: 0 }, config: {} },
          {
            id: 'charge',
            type: 'http.request',
            typeVersion: 1,
            position: { x: 200, y: 0 },
            config: { method: 'GET', url: 'http://127.0.0.1:9/', credentials: { auth: 'cred_someone_elses' } },
            settings: {
              undo: {
                type: 'http.request',
                typeVersion: 1,
                config: { method: 'GET', url: 'http://127.0.0.1:9/', credentials: { auth: 'cred_other' } },
              },
            },
          },
        ],
        edges: [{ id: 'e1', source: 'start', target: 'charge' }],
      },
    };
    const imported = (await api().post('/api/flows/import').send(file).expect(201)).body as FlowImportResponse;
    assert.equal(JSON.stringify(imported.flow).includes('cred_'), false);
    assert.deepEqual(
      imported.report.map((entry) => `${entry.node}|${entry.field}|${entry.problem}`),
      [`charge|credentials.auth|${CREDENTIAL_UNSET}`, `charge|settings.undo.credentials.auth|${CREDENTIAL_UNSET}`],
    );
  });

  test('bad files are refused naming the field, and nothing is stored', async () => {
    const url = 'http://127.0.0.1:9/unused';
    const { flow } = await flowWithCredential(url);
    const file = JSON.parse(await exportText(flow.id)) as FlowFile & Record<string, unknown>;
    const before = await flowCount();
    const badNodes = [...file.document.nodes, ...file.document.nodes].map((node, index) =>
      index === 3 ? { ...node, id: 'fourth', type: '' } : { ...node, id: `n${index}` },
    );
    const deep: Record<string, unknown> = {};
    let cursor = deep;
    for (let depth = 0; depth < 80; depth++) {
      const next: Record<string, unknown> = {};
      cursor.a = next;
      cursor = next;
    }
    const refused: [unknown, string][] = [
      [[1, 2], 'format'],
      [{ hello: 'world' }, 'format'],
      [{ ...file, format: 'n8n' }, 'format'],
      [{ ...file, formatVersion: 2 }, 'formatVersion'],
      [{ file: { ...file, formatVersion: 2 } }, 'file.formatVersion'],
      [{ ...file, document: { ...file.document, nodes: badNodes } }, 'document.nodes.3.type'],
      [{ ...file, document: { ...file.document, schemaVersion: 9 } }, 'document.schemaVersion'],
      [{ ...file, name: '' }, 'name'],
      [{ ...file, extra: true }, 'extra'],
      [{ file, name: '' }, 'name'],
      [
        { ...file, document: { ...file.document, nodes: [{ ...file.document.nodes[0], config: deep }] } },
        'document.nodes.0.config',
      ],
    ];
    for (const [body, path] of refused) {
      const response = await api()
        .post('/api/flows/import')
        .send(body as object)
        .expect(400);
      const issues = (response.body.error.issues ?? []) as { path: string; message: string }[];
      assert.ok(
        issues.some((issue) => issue.path.startsWith(path)),
        `${path}: ${JSON.stringify(response.body.error)}`,
      );
    }
    const tooLarge = { ...file, name: 'x', padding: 'y'.repeat(6 * 1024 * 1024) };
    await api().post('/api/flows/import').send(tooLarge).expect(413);
    assert.equal(await flowCount(), before);
  });

  test('a viewer exports but may not import', async () => {
    const viewer = await createSignedInAgent(harness, { role: 'viewer' });
    const { flow } = await flowWithCredential('http://127.0.0.1:9/unused');
    const text = (await viewer.agent().get(`/api/flows/${flow.id}/export`).buffer(true).expect(200)).text;
    await viewer.agent().post('/api/flows/import').send(JSON.parse(text)).expect(403);
  });

  test('the routes are in the OpenAPI document', async () => {
    const openApi = (await api().get('/api/openapi.json').expect(200)).body as { paths: Record<string, unknown> };
    assert.ok(openApi.paths['/api/flows/import']);
    assert.ok(openApi.paths['/api/flows/{id}/export']);
  });
});
