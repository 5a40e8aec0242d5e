import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FlowDetail, FlowSummary, FlowVersionDetail, FlowVersionSummary } from '@pipewright/api-contract';
import { type Harness, startHarness, webhookToHttpDocument } from '../test-support.ts';

let harness: Harness;
before(async () => {
  harness = await startHarness({ worker: false });
});
after(async () => {
  await harness?.stop();
});

const api = () => harness.api();

async function createFlow(body: Record<string, unknown>): Promise<FlowDetail> {
  const response = await api().post('/api/flows').send(body).expect(201);
  return response.body as FlowDetail;
}

describe('flows', () => {
  test('create, read, list, update and delete round trip', async () => {
    const created = await createFlow({ name: 'Orders' });
    assert.match(created.id, /^flw_[a-z2-7]{16}$/);
    assert.equal(created.revision, 0);
    assert.equal(created.latestVersion, null);
    assert.deepEqual(created.document, { schemaVersion: 1, nodes: [], edges: [] });
    assert.match(created.webhookPath, /^\/hooks\/[0-9a-f]{32}$/);

    const document = webhookToHttpDocument('http://127.0.0.1:9/x');
    const saved = await api()
      .put(`/api/flows/${created.id}`)
      .send({ name: 'Orders v2', document, revision: 0 })
      .expect(200);
    const detail = saved.body as FlowDetail;
    assert.equal(detail.revision, 1);
    assert.equal(detail.name, 'Orders v2');
    assert.equal(detail.nodeCount, 2);
    assert.deepEqual(
      detail.document.nodes.map((node) => node.id),
      ['hook', 'call'],
    );

    const read = (await api().get(`/api/flows/${created.id}`).expect(200)).body as FlowDetail;
    assert.deepEqual(read.document, detail.document);
    assert.equal(read.webhookPath, created.webhookPath);

    const other = await createFlow({ name: 'Newer' });
    const list = (await api().get('/api/flows').expect(200)).body as { items: FlowSummary[] };
    const ids = list.items.map((item) => item.id);
    assert.ok(ids.indexOf(other.id) < ids.indexOf(created.id), 'newest updated first');
    assert.equal(list.items.find((item) => item.id === created.id)?.nodeCount, 2);

    await api().delete(`/api/flows/${created.id}`).expect(204);
    await api().get(`/api/flows/${created.id}`).expect(404);
    await api().delete(`/api/flows/${created.id}`).expect(404);
  });

  test('user config keys with dots and $ are stored and returned intact', async () => {
    const document = webhookToHttpDocument('http://127.0.0.1:9/x');
    const call = document.nodes[1];
    assert.ok(call);
    call.config = { ...call.config, headers: { 'x.dotted': 'a', $set: 'b' } };
    const created = await createFlow({ name: 'Odd keys', document });
    const read = (await api().get(`/api/flows/${created.id}`).expect(200)).body as FlowDetail;
    assert.deepEqual(read.document.nodes[1]?.config.headers, { 'x.dotted': 'a', $set: 'b' });
  });

  test('an invalid document is refused with 400 naming the field, and nothing is stored', async () => {
    const before = await harness.db.collection('flows').countDocuments();
    const document = webhookToHttpDocument('http://127.0.0.1:9/x');
    const bad = { ...document, nodes: [{ ...document.nodes[0], id: '1 bad id' }] };
    const response = await api().post('/api/flows').send({ name: 'Bad', document: bad }).expect(400);
    assert.equal(response.body.error.code, 'invalid_request');
    assert.match(response.body.error.message, /^document\.nodes\.0\.id: /);
    assert.equal(response.body.error.issues[0].path, 'document.nodes.0.id');
    assert.equal(await harness.db.collection('flows').countDocuments(), before);
  });

  test('server-owned fields and broken JSON are refused', async () => {
    const owned = await api().post('/api/flows').send({ name: 'X', webhookToken: 'mine' }).expect(400);
    assert.match(owned.body.error.message, /webhookToken/);
    const broken = await api().post('/api/flows').set('content-type', 'application/json').send('{"name": ').expect(400);
    assert.equal(broken.body.error.code, 'invalid_json');
    assert.match(broken.body.error.message, /not valid JSON/);
  });

  test('a save based on a stale revision is refused with 409 and the stored draft is unchanged', async () => {
    const created = await createFlow({ name: 'Shared' });
    await api().put(`/api/flows/${created.id}`).send({ name: 'First save', revision: 0 }).expect(200);
    const stale = await api().put(`/api/flows/${created.id}`).send({ name: 'Lost update', revision: 0 }).expect(409);
    assert.equal(stale.body.error.code, 'stale_revision');
    assert.match(stale.body.error.message, /revision 1/);
    const read = (await api().get(`/api/flows/${created.id}`).expect(200)).body as FlowDetail;
    assert.equal(read.name, 'First save');
    assert.equal(read.revision, 1);
  });

  test('eight saves racing on the same revision: exactly one wins', async () => {
    const created = await createFlow({ name: 'Race' });
    const names = ['Alice', 'Bob', 'Carol', 'Dan', 'Erin', 'Frank', 'Grace', 'Heidi'];
    const saves = await Promise.all(
      names.map((name) => api().put(`/api/flows/${created.id}`).send({ name, revision: 0 })),
    );
    assert.deepEqual(saves.map((response) => response.status).sort(), [200, 409, 409, 409, 409, 409, 409, 409]);
    const winner = saves.find((response) => response.status === 200)?.body as FlowDetail;
    const read = (await api().get(`/api/flows/${created.id}`).expect(200)).body as FlowDetail;
    assert.equal(read.name, winner.name);
    assert.equal(read.revision, 1);
  });

  test('ids that do not exist read as 404', async () => {
    const missing = await api().get('/api/flows/flw_doesnotexist0000').expect(404);
    assert.equal(missing.body.error.code, 'not_found');
    await api().put('/api/flows/flw_doesnotexist0000').send({ revision: 0 }).expect(404);
    await api().post('/api/flows/flw_doesnotexist0000/publish').expect(404);
  });

  test('a flow from another workspace reads as 404', async () => {
    const created = await createFlow({ name: 'Mine' });
    await harness.db
      .collection('flows')
      .updateOne({ _id: created.id as never }, { $set: { workspaceId: 'someone-else' } });
    await api().get(`/api/flows/${created.id}`).expect(404);
    const list = (await api().get('/api/flows').expect(200)).body as { items: FlowSummary[] };
    assert.ok(!list.items.some((item) => item.id === created.id));
  });
});

describe('publishing', () => {
  test('compile errors answer 422 with errors located on nodes, and no version is created', async () => {
    const document = webhookToHttpDocument('not a url');
    const created = await createFlow({ name: 'Broken', document });
    const response = await api().post(`/api/flows/${created.id}/publish`).expect(422);
    assert.equal(response.body.error.code, 'compile_failed');
    assert.match(response.body.error.message, /^The flow has \d+ problems?$/);
    const located = response.body.error.compileErrors.find((error: { nodeId?: string }) => error.nodeId === 'call');
    assert.ok(located, 'an error on the http node');
    assert.match(located.field, /url/);
    const versions = (await api().get(`/api/flows/${created.id}/versions`).expect(200)).body as { items: unknown[] };
    assert.deepEqual(versions.items, []);
  });

  test('publishing creates version 1 then 2, listed newest first with their plans', async () => {
    const created = await createFlow({ name: 'Good', document: webhookToHttpDocument('http://127.0.0.1:9/x') });
    const first = (await api().post(`/api/flows/${created.id}/publish`).expect(201)).body as FlowVersionSummary;
    assert.equal(first.version, 1);
    assert.match(first.hash, /^[0-9a-f]{64}$/);
    const second = (await api().post(`/api/flows/${created.id}/publish`).expect(201)).body as FlowVersionSummary;
    assert.equal(second.version, 2);
    assert.notEqual(second.hash, first.hash, 'the version is part of the hashed plan');

    const flow = (await api().get(`/api/flows/${created.id}`).expect(200)).body as FlowDetail;
    assert.equal(flow.latestVersion, 2);
    const list = (await api().get(`/api/flows/${created.id}/versions`).expect(200)).body as {
      items: FlowVersionSummary[];
    };
    assert.deepEqual(
      list.items.map((item) => item.version),
      [2, 1],
    );

    const detail = (await api().get(`/api/flows/${created.id}/versions/1`).expect(200)).body as FlowVersionDetail;
    assert.equal(detail.hash, first.hash);
    assert.deepEqual(detail.document, flow.document);
    const plan = detail.plan as {
      version: number;
      flowId: string;
      triggerNodeId: string;
      hash: string;
      nodes: { taskQueue: string }[];
    };
    assert.equal(plan.version, 1);
    assert.equal(plan.flowId, created.id);
    assert.equal(plan.triggerNodeId, 'hook');
    assert.equal(plan.hash, first.hash);
    assert.ok(plan.nodes.every((node) => node.taskQueue === harness.taskQueue));
    await api().get(`/api/flows/${created.id}/versions/3`).expect(404);
    const badVersion = await api().get(`/api/flows/${created.id}/versions/latest`).expect(400);
    assert.match(badVersion.body.error.message, /^version: /);
  });

  test('concurrent publishes never produce the same version twice', async () => {
    const created = await createFlow({ name: 'Busy', document: webhookToHttpDocument('http://127.0.0.1:9/x') });
    const results = await Promise.all([1, 2, 3].map(() => api().post(`/api/flows/${created.id}/publish`)));
    const published = results
      .filter((response) => response.status === 201)
      .map((response) => (response.body as FlowVersionSummary).version);
    assert.ok(results.every((response) => response.status === 201 || response.status === 409));
    assert.equal(new Set(published).size, published.length);
    const flow = (await api().get(`/api/flows/${created.id}`).expect(200)).body as FlowDetail;
    const list = (await api().get(`/api/flows/${created.id}/versions`).expect(200)).body as {
      items: FlowVersionSummary[];
    };
    assert.deepEqual(list.items.map((item) => item.version).sort(), [...published].sort());
    assert.equal(flow.latestVersion, Math.max(...published));
  });
});
