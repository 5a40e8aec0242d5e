import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { FlowDetail, RunDetail, RunSummary } from '@pipewright/api-contract';
import { awaitRun, type Harness, startHarness, webhookToHttpDocument } from '../test-support.ts';

let harness: Harness;
before(async () => {
  harness = await startHarness({ worker: true });
});
after(async () => {
  await harness?.stop();
});

test('a failed run starts its flow’s error handler, which shows in the handler’s runs with the failure details', async () => {
  const api = () => harness.api();
  const handlerDocument = {
    schemaVersion: 1,
    nodes: [
      { id: 'hook', type: 'core.manual', typeVersion: 1, position: { x: 0, y: 0 }, config: {} },
      {
        id: 'report',
        type: 'core.transform',
        typeVersion: 1,
        position: { x: 200, y: 0 },
        config: { fields: [{ name: 'failedNode', value: '{{ trigger.failedRun.error.nodeId }}' }] },
      },
    ],
    edges: [{ id: 'e1', source: 'hook', target: 'report' }],
  };
  const handler = (await api().post('/api/flows').send({ name: 'On failure', document: handlerDocument }).expect(201))
    .body as FlowDetail;
  await api().post(`/api/flows/${handler.id}/publish`).expect(201);
  // Port 9 (discard) refuses connections: the HTTP node fails after its (fast) retries.
  const failing = { ...webhookToHttpDocument('http://127.0.0.1:9/x'), settings: { errorFlowId: handler.id } };
  const main = (await api().post('/api/flows').send({ name: 'Orders', document: failing }).expect(201))
    .body as FlowDetail;
  await api().post(`/api/flows/${main.id}/publish`).expect(201);

  const { runId } = (await api().post(main.webhookPath).send({ name: 'Ada' }).expect(202)).body as { runId: string };
  await awaitRun(harness.temporal, runId);
  const handlerRunId = `${runId}-error-handler`;
  await harness.temporal.workflow.getHandle(handlerRunId).result();

  const listed = (await api().get(`/api/runs?flowId=${handler.id}`).expect(200)).body as { items: RunSummary[] };
  const handlerRun = listed.items.find((run) => run.id === handlerRunId);
  assert.ok(handlerRun, 'the error handler run is listed under the handler flow');
  assert.equal(handlerRun.trigger, 'error');
  assert.equal(handlerRun.status, 'succeeded');
  const detail = (await api().get(`/api/runs/${handlerRunId}`).expect(200)).body as RunDetail;
  assert.deepEqual(detail.nodes.report?.output, { failedNode: 'call' });
});
