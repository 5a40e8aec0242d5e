import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FlowDetail, RunDetail, StartRunResponse } from '@pipewright/api-contract';
import {
  awaitRun,
  type Harness,
  provisionWorkspace,
  signedInAgent,
  startHarness,
  type TestDocument,
  within,
} from './test-support.ts';

/**
 * Issue 17 §1 through the whole stack: a Transform field path through `constructor.prototype` or `__proto__` used to
 * write into Object.prototype of the worker's workflow sandbox, and every later run on that worker — in any
 * workspace — then stayed "running".  Workspace A attacks (refused at publish, and at run time when the name comes
 * from the webhook body); workspace B then runs a normal flow on the same worker.
 */
let harness: Harness;
before(async () => {
  harness = await startHarness({ worker: true });
});
after(async () => {
  await harness?.stop();
});

/** The machine is shared and slow; a polluted worker never finishes a run at all. */
const RUN_TIMEOUT_MS = 120_000;

type Agent = ReturnType<Harness['api']>;

/** webhook → Transform setting `fields`. */
function transformDocument(fields: { name: string; value: unknown }[]): TestDocument {
  return {
    schemaVersion: 1,
    nodes: [
      { id: 'hook', type: 'core.webhook', typeVersion: 1, position: { x: 0, y: 0 }, config: { method: 'POST' } },
      { id: 'shape', type: 'core.transform', typeVersion: 1, position: { x: 200, y: 0 }, config: { fields } },
    ],
    edges: [{ id: 'e1', source: 'hook', target: 'shape' }],
  };
}

async function createFlow(api: Agent, name: string, document: TestDocument): Promise<FlowDetail> {
  return (await api.post('/api/flows').send({ name, document }).expect(201)).body as FlowDetail;
}

/** POSTs `body` to the flow's webhook and returns the run once Temporal closed it (bounded: it must not hang). */
async function runByWebhook(api: Agent, flow: FlowDetail, body: string): Promise<RunDetail> {
  const started = await api.post(flow.webhookPath).type('json').send(body).expect(202);
  const { runId } = started.body as StartRunResponse;
  await within(`run ${runId} to close`, awaitRun(harness.temporal, runId), RUN_TIMEOUT_MS);
  return (await api.get(`/api/runs/${runId}`).expect(200)).body as RunDetail;
}

describe('prototype pollution across workspaces, through the API', () => {
  test('workspace A: publishing and draft-running the attacking flow answer 422 naming the node and field', async () => {
    const api = harness.api();
    for (const name of ['constructor.prototype.polluted', '__proto__.polluted']) {
      const flow = await createFlow(api, `Attack ${name}`, transformDocument([{ name, value: 'yes' }]));
      for (const response of [
        await api.post(`/api/flows/${flow.id}/publish`).expect(422),
        await api.post(`/api/flows/${flow.id}/runs`).send({}).expect(422),
      ]) {
        assert.equal(response.body.error.code, 'compile_failed');
        const errors = response.body.error.compileErrors as { code: string; nodeId?: string; field?: string }[];
        assert.deepEqual(
          errors.map(({ code, nodeId, field }) => ({ code, nodeId, field })),
          [{ code: 'reserved_key', nodeId: 'shape', field: 'config.fields.0.name' }],
        );
      }
      const versions = (await api.get(`/api/flows/${flow.id}/versions`).expect(200)).body as { items: unknown[] };
      assert.deepEqual(versions.items, []);
    }
  });

  test('workspace A: a field name taken from the webhook body fails the node, and the run ends', async () => {
    const api = harness.api();
    const flow = await createFlow(
      api,
      'Field from data',
      transformDocument([{ name: '{{ trigger.body.field }}', value: '{{ trigger.body.value }}' }]),
    );
    await api.post(`/api/flows/${flow.id}/publish`).expect(201);
    for (const field of ['__proto__.polluted', 'constructor.prototype.polluted']) {
      const run = await runByWebhook(api, flow, JSON.stringify({ field, value: 'yes' }));
      assert.equal(run.status, 'failed');
      assert.equal(run.nodes.shape?.status, 'failed');
      assert.match(
        run.nodes.shape?.error?.message ?? '',
        new RegExp(
          `^node "Transform" \\(shape\\): fields\\.0\\.name: the field name "${field.replaceAll('.', '\\.')}" uses "${field.split('.')[0]}", which is reserved`,
        ),
      );
    }
  });

  test('workspace B, same worker: a normal flow publishes, runs and succeeds', async () => {
    const other = await provisionWorkspace(harness.app, harness.db);
    assert.notEqual(other.workspaceId, harness.admin.workspaceId);
    const api = signedInAgent(harness.app, other.token);
    const flow = await createFlow(
      api,
      'Normal',
      transformDocument([
        { name: 'order.total', value: '{{ trigger.body.total }}' },
        { name: 'keysOfEmptyObject', value: '{{ $count($keys({})) }}' },
        { name: 'field', value: '{{ trigger.body.field }}' },
      ]),
    );
    await api.post(`/api/flows/${flow.id}/publish`).expect(201);
    const run = await runByWebhook(api, flow, '{"total": 12, "field": "__proto__.polluted"}');
    assert.equal(run.status, 'succeeded');
    assert.deepEqual(run.nodes.shape?.output, {
      order: { total: 12 },
      keysOfEmptyObject: 0,
      field: '__proto__.polluted',
    });
  });
});
