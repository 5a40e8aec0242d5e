import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FairnessView, FlowDetail, StartRunResponse } from '@pipewright/api-contract';
import { createSignedInAgent, type Harness, provisionWorkspace, signedInAgent, startHarness } from '../test-support.ts';

const OPERATOR = 'operator@example.test';

let harness: Harness;
before(async () => {
  harness = await startHarness({ worker: false, instanceAdmins: [OPERATOR.toUpperCase()] });
});
after(async () => {
  await harness?.stop();
});

const api = () => harness.api();

function manualDocument(settings?: object) {
  return {
    schemaVersion: 1,
    ...(settings ? { settings } : {}),
    nodes: [{ id: 'in', type: 'core.manual', typeVersion: 1, position: { x: 0, y: 0 }, config: {} }],
    edges: [],
  };
}

describe("a workspace's weight", () => {
  test('is 1 until set; an admin may lower it, audited, and the API names the field of a bad value', async () => {
    const fresh = (await api().get('/api/fairness').expect(200)).body as FairnessView;
    assert.deepEqual(fresh, {
      weight: 1,
      maxWeight: 1,
      updatedAt: null,
      updatedBy: null,
      maxWaitingRuns: null,
      instanceMaxWaitingRuns: 10_000,
    });
    const saved = (await api().put('/api/fairness').send({ weight: 0.25 }).expect(200)).body as FairnessView;
    assert.equal(saved.weight, 0.25);
    assert.equal(saved.updatedBy, harness.admin.email);
    const bad = await api().put('/api/fairness').send({ weight: 'high' }).expect(400);
    assert.match(bad.text, /weight/);
    const tooSmall = await api().put('/api/fairness').send({ weight: 0 }).expect(400);
    assert.match(tooSmall.text, /weight.*at least 0\.001/);
    const audit = (await api().get('/api/audit').expect(200)).body as { items: { action: string }[] };
    assert.ok(audit.items.some((entry) => entry.action === 'fairness.update'));
    assert.equal(((await api().get('/api/fairness').expect(200)).body as FairnessView).weight, 0.25, 'kept');
  });

  test('only an instance operator may raise it above an equal share', async () => {
    const refused = await api().put('/api/fairness').send({ weight: 5 }).expect(403);
    assert.match(refused.text, /weight: a workspace admin may set at most 1.*PIPEWRIGHT_INSTANCE_ADMINS/);
    const operator = await createSignedInAgent(harness, { role: 'admin', email: OPERATOR });
    assert.equal(((await operator.agent().get('/api/fairness').expect(200)).body as FairnessView).maxWeight, 1000);
    await operator.agent().put('/api/fairness').send({ weight: 5 }).expect(200);
    const viewer = await createSignedInAgent(harness, { role: 'viewer' });
    const seen = (await viewer.agent().get('/api/fairness').expect(200)).body as FairnessView;
    assert.deepEqual([seen.weight, seen.maxWeight], [5, 0]);
    await viewer.agent().put('/api/fairness').send({ weight: 1 }).expect(403);
    // Another workspace's weight is its own.
    const other = await provisionWorkspace(harness.app, harness.db);
    assert.equal(
      ((await signedInAgent(harness.app, other.token).get('/api/fairness').expect(200)).body as FairnessView).weight,
      1,
    );
  });

  test("a run starts with its lane and its workspace's key and weight; a batch flow's one lane down", async () => {
    const other = await provisionWorkspace(harness.app, harness.db);
    const otherApi = () => signedInAgent(harness.app, other.token);
    await otherApi().put('/api/fairness').send({ weight: 0.5 }).expect(200);
    const priorityOf = async (settings?: object) => {
      const flow = (
        await otherApi()
          .post('/api/flows')
          .send({ name: 'lanes', document: manualDocument(settings) })
          .expect(201)
      ).body as FlowDetail;
      await otherApi().post(`/api/flows/${flow.id}/publish`).expect(201);
      const { runId } = (await otherApi().post(`/api/flows/${flow.id}/runs`).send({ source: 'published' }).expect(202))
        .body as StartRunResponse;
      return (await harness.temporal.workflow.getHandle(runId).describe()).priority;
    };
    assert.deepEqual(await priorityOf(), { priorityKey: 1, fairnessKey: other.workspaceId, fairnessWeight: 0.5 });
    assert.equal((await priorityOf({ lane: 'batch' }))?.priorityKey, 2);
  });
});
