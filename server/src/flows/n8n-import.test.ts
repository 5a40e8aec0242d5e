import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { FlowDetail, N8nImportResponse, RunDetail, StartRunResponse } from '@pipewright/api-contract';
import { awaitRun, createSignedInAgent, type Harness, startHarness, TargetServer } from '../test-support.ts';

/** The n8n 1.x exports the import package is tested with. */
const fixture = (name: string): Record<string, unknown> => {
  const text = readFileSync(new URL(`../../../packages/n8n-import/fixtures/${name}`, import.meta.url), 'utf8');
  return JSON.parse(text) as Record<string, unknown>;
};

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
const flowCount = () => harness.db.collection('flows').countDocuments();

describe('POST /api/flows/import/n8n', () => {
  test('an imported webhook → Edit Fields → HTTP Request workflow publishes and runs through its webhook', async () => {
    const url = target.script('/fulfilment/orders', [{ status: 200, body: { accepted: true } }]);
    const workflow = JSON.stringify(fixture('webhook-set-http.json')).replace(
      'https://fulfilment.example.com/orders',
      url,
    );
    const imported = (await api().post('/api/flows/import/n8n').send(JSON.parse(workflow)).expect(201))
      .body as N8nImportResponse;

    assert.equal(imported.flow.name, 'Order webhook to fulfilment API');
    assert.equal(imported.flow.latestVersion, null, 'a draft');
    assert.deepEqual(
      imported.flow.document.nodes.map((node) => [node.title, node.type]),
      [
        ['Webhook', 'core.webhook'],
        ['Edit Fields', 'core.transform'],
        ['Send to fulfilment', 'http.request'],
      ],
    );
    assert.deepEqual(
      imported.report.map((entry) => `${entry.node}|${entry.field ?? ''}`),
      ['Webhook|path', 'Edit Fields|assignments.assignments.3.value'],
    );
    assert.match(imported.report[1]?.problem ?? '', /\$now\.toISO\(\)/);
    const stored = (await api().get(`/api/flows/${imported.flow.id}`).expect(200)).body as FlowDetail;
    assert.deepEqual(stored.document, imported.flow.document);

    await api().post(`/api/flows/${imported.flow.id}/publish`).expect(201);
    const started = await api()
      .post(imported.flow.webhookPath)
      .send({ name: 'Ada', qty: 3, note: 'leave at the door' })
      .expect(202);
    const runId = (started.body as StartRunResponse).runId;
    await awaitRun(harness.temporal, runId);
    const run = (await api().get(`/api/runs/${runId}`).expect(200)).body as RunDetail;
    assert.equal(run.status, 'succeeded', JSON.stringify(run.error));

    const sent = target.requests.filter((request) => request.path === '/fulfilment/orders');
    assert.equal(sent.length, 1);
    assert.equal(sent[0]?.method, 'POST');
    assert.deepEqual(JSON.parse(sent[0]?.body ?? 'null'), { customer: 'ADA', total: 30, note: 'leave at the door' });
    assert.deepEqual(run.nodes.edit_fields?.output, {
      customer: 'ADA',
      total: 30,
      greeting: 'Hello Ada, order of 3',
      receivedAt: 'n8n: { { $now.toISO() } }',
    });
  });

  test('every fixture imports into a draft that publishes; { workflow, name } names the flow', async () => {
    for (const name of ['order-routing.json', 'legacy-v1-nodes.json', 'manual-schedule-intervals.json']) {
      const imported = (
        await api()
          .post('/api/flows/import/n8n')
          .send({ workflow: fixture(name), name: `Imported ${name}` })
          .expect(201)
      ).body as N8nImportResponse;
      assert.equal(imported.flow.name, `Imported ${name}`);
      assert.ok(imported.report.length > 0, `${name}: the report names what was not translated`);
      await api().post(`/api/flows/${imported.flow.id}/publish`).expect(201);
      // The legacy fixture has a schedule: deleting the flow removes it from Temporal.
      await api().delete(`/api/flows/${imported.flow.id}`).expect(204);
    }
  });

  test('input that is not an n8n workflow is a 400 naming the field, and nothing is stored', async () => {
    const before = await flowCount();
    const base = fixture('webhook-set-http.json');
    const nodes = base.nodes as unknown[];
    const refused: [object, string, RegExp][] = [
      [{ hello: 'world' }, 'body', /needs "nodes" and "connections"/],
      [{ ...base, nodes: [...nodes, nodes[0]] }, 'nodes.3.name', /duplicate node name "Webhook"/],
      [
        { ...base, connections: { Webhook: { main: [[{ node: 'Ghost', type: 'main', index: 0 }]] } } },
        'connections.Webhook.main.0.0.node',
        /unknown node "Ghost"/,
      ],
      [{ workflow: { ...base, nodes: 'none' } }, 'workflow.nodes', /./],
      [{ workflow: base, name: '' }, 'name', /./],
      [
        {
          nodes: Array.from({ length: 501 }, (_, index) => ({
            name: `N${index}`,
            type: 'n8n-nodes-base.noOp',
            typeVersion: 1,
            position: [0, 0],
          })),
          connections: {},
        },
        'nodes',
        /more than 500 nodes/,
      ],
    ];
    for (const [body, path, message] of refused) {
      const response = await api().post('/api/flows/import/n8n').send(body).expect(400);
      const issues = response.body.error.issues as { path: string; message: string }[];
      assert.ok(
        issues.some((issue) => issue.path === path && message.test(issue.message)),
        `${path}: ${JSON.stringify(response.body.error)}`,
      );
    }
    const notJson = await api()
      .post('/api/flows/import/n8n')
      .set('content-type', 'application/json')
      .send('{ "nodes": [')
      .expect(400);
    assert.equal(typeof notJson.body.error.message, 'string');
    assert.equal(await flowCount(), before);
  });

  test('a viewer may not import', async () => {
    const viewer = await createSignedInAgent(harness, { role: 'viewer' });
    await viewer.agent().post('/api/flows/import/n8n').send(fixture('webhook-set-http.json')).expect(403);
  });

  test('the route is in the OpenAPI document', async () => {
    const openApi = (await api().get('/api/openapi.json').expect(200)).body as { paths: Record<string, unknown> };
    assert.ok(openApi.paths['/api/flows/import/n8n']);
  });
});
