import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FlowCheckResponse, FlowDetail } from '@pipewright/api-contract';
import { type Harness, startHarness, webhookToHttpDocument } from '../test-support.ts';

let harness: Harness;
before(async () => {
  harness = await startHarness({ worker: false });
});
after(async () => {
  await harness?.stop();
});

const api = () => harness.api();

describe('live validation (POST /flows/:id/check)', () => {
  test('names each problem publishing would find, on its node and field, and stores nothing', async () => {
    const valid = webhookToHttpDocument('http://127.0.0.1:9/orders');
    const flow = (await api().post('/api/flows').send({ name: 'Checked', document: valid }).expect(201))
      .body as FlowDetail;

    const ok = (await api().post(`/api/flows/${flow.id}/check`).send({ document: valid }).expect(200))
      .body as FlowCheckResponse;
    assert.deepEqual(ok.compileErrors, []);

    const broken = webhookToHttpDocument('http://127.0.0.1:9/orders');
    const call = broken.nodes[1] ?? assert.fail('an HTTP node');
    call.config = { method: 'POST', body: { name: '{{ trigger.body.name ' } };
    (broken as { settings?: object }).settings = { errorFlowId: 'flw_nowhere' };
    const found = (await api().post(`/api/flows/${flow.id}/check`).send({ document: broken }).expect(200))
      .body as FlowCheckResponse;
    const located = found.compileErrors.map((error) => [error.nodeId ?? null, error.field ?? null]);
    assert.ok(
      located.some(([nodeId, field]) => nodeId === 'call' && /url/.test(field ?? '')),
      `the missing URL is named: ${JSON.stringify(found.compileErrors)}`,
    );
    assert.ok(
      located.some(([nodeId, field]) => nodeId === 'call' && /body/.test(field ?? '')),
      `the broken expression is named: ${JSON.stringify(found.compileErrors)}`,
    );
    assert.ok(
      located.some(([, field]) => field === 'settings.errorFlowId'),
      'the missing error handler is named',
    );

    const stored = (await api().get(`/api/flows/${flow.id}`).expect(200)).body as FlowDetail;
    assert.equal(stored.revision, flow.revision, 'nothing was saved');
    assert.deepEqual(stored.document, flow.document);
  });

  test('a body that is no flow document is a 400 naming the field', async () => {
    const flow = (await api().post('/api/flows').send({ name: 'Checked 2' }).expect(201)).body as FlowDetail;
    const refused = await api()
      .post(`/api/flows/${flow.id}/check`)
      .send({ document: { schemaVersion: 1, nodes: [{ id: 'x' }], edges: [] } })
      .expect(400);
    assert.match(refused.body.error.message, /document\.nodes\.0/);
    await api()
      .post('/api/flows/flw_unknown/check')
      .send({ document: { schemaVersion: 1, nodes: [], edges: [] } })
      .expect(404);
  });
});
