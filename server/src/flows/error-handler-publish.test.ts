import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FlowDetail, FlowVersionDetail, FlowVersionSummary } from '@pipewright/api-contract';
import type { ExecutionPlan } from '@pipewright/run-contract';
import { type Harness, startHarness, webhookToHttpDocument } from '../test-support.ts';

let harness: Harness;
before(async () => {
  harness = await startHarness({ worker: false });
});
after(async () => {
  await harness?.stop();
});

const api = () => harness.api();

async function createFlow(name: string, settings?: { errorFlowId: string }): Promise<FlowDetail> {
  const document = { ...webhookToHttpDocument('http://127.0.0.1:9/x'), ...(settings ? { settings } : {}) };
  return (await api().post('/api/flows').send({ name, document }).expect(201)).body as FlowDetail;
}

async function refusal(flowId: string): Promise<{ field?: string; message: string }[]> {
  const response = await api().post(`/api/flows/${flowId}/publish`).expect(422);
  return (response.body as { error: { compileErrors: { field?: string; message: string }[] } }).error.compileErrors;
}

describe('publishing with a flow-level error handler', () => {
  test('embeds the handler flow’s latest published plan, without its own handler', async () => {
    const handler = await createFlow('On failure');
    await api().post(`/api/flows/${handler.id}/publish`).expect(201);
    const second = (await api().post(`/api/flows/${handler.id}/publish`).expect(201)).body as FlowVersionSummary;
    const main = await createFlow('Orders', { errorFlowId: handler.id });

    const published = (await api().post(`/api/flows/${main.id}/publish`).expect(201)).body as FlowVersionSummary;
    const version = (await api().get(`/api/flows/${main.id}/versions/${published.version}`).expect(200))
      .body as FlowVersionDetail;
    const plan = version.plan as ExecutionPlan;
    assert.equal(plan.errorHandler?.flowId, handler.id);
    assert.equal(plan.errorHandler?.version, second.version);
    assert.equal(plan.errorHandler?.plan.hash, second.hash);
    assert.equal(plan.hash, published.hash);
    assert.notEqual(plan.hash, '');
  });

  test('refuses a handler that is unpublished, missing, or the flow itself, naming settings.errorFlowId', async () => {
    const unpublished = await createFlow('Never published');
    const pointsAtDraft = await createFlow('A', { errorFlowId: unpublished.id });
    const [draftError] = await refusal(pointsAtDraft.id);
    assert.equal(draftError?.field, 'settings.errorFlowId');
    assert.match(draftError?.message ?? '', /"Never published" has no published version yet/);

    const pointsNowhere = await createFlow('B', { errorFlowId: 'flw_doesnotexist0000' });
    assert.match((await refusal(pointsNowhere.id))[0]?.message ?? '', /no flow "flw_doesnotexist0000"/);

    const self = await createFlow('C');
    const document = { ...self.document, settings: { errorFlowId: self.id } };
    await api().put(`/api/flows/${self.id}`).send({ document, revision: self.revision }).expect(200);
    assert.match((await refusal(self.id))[0]?.message ?? '', /cannot be its own error handler/);
  });
});
