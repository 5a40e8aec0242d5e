import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FlowDetail, RunDetail, RunSummary, StartRunResponse } from '@pipewright/api-contract';
import { uniqueName } from '@pipewright/devstack';
import { type ExecutionPlan, RUN_FLOW_WORKFLOW, type RunFlowInput } from '@pipewright/run-contract';
import { parsePlan } from '@pipewright/run-contract/schema';
import { awaitRun, type Harness, startHarness, type TestDocument, waitFor } from '../test-support.ts';

let harness: Harness;
before(async () => {
  harness = await startHarness({ worker: true });
});
after(async () => {
  await harness?.stop();
});

const api = () => harness.api();

async function publish(name: string, document: TestDocument & { settings?: unknown }): Promise<FlowDetail> {
  const created = (await api().post('/api/flows').send({ name, document }).expect(201)).body as FlowDetail;
  await api().post(`/api/flows/${created.id}/publish`).expect(201);
  return created;
}

/** webhook → wait (a minute): a run that is still open when a short run timeout passes. */
const webhookThenWait = (settings?: unknown): TestDocument & { settings?: unknown } => ({
  schemaVersion: 1,
  nodes: [
    { id: 'hook', type: 'core.webhook', typeVersion: 1, position: { x: 0, y: 0 }, config: { method: 'POST' } },
    {
      id: 'pause',
      type: 'core.wait',
      typeVersion: 1,
      position: { x: 200, y: 0 },
      config: { mode: 'delay', durationSeconds: 60 },
    },
  ],
  edges: [{ id: 'e1', source: 'hook', target: 'pause' }],
  ...(settings === undefined ? {} : { settings }),
});

describe('a run whose workflow task keeps failing', () => {
  test('is reported as stuck, with the error, by the run and the runs list', async () => {
    const flow = await publish('Stuck', webhookThenWait());
    const version = await harness.db
      .collection<{ flowId: string; version: number; planJson: string }>('flow_versions')
      .findOne({ flowId: flow.id, version: 1 });
    assert.ok(version, 'the published version is stored');
    // A plan naming a trigger node it does not have: the interpreter throws a plain Error, which fails the
    // workflow task (not the workflow), so Temporal retries it forever and the run stays open.
    const plan: ExecutionPlan = { ...parsePlan(version.planJson), triggerNodeId: 'no_such_trigger' };
    const runId = uniqueName('run_stuck');
    const input: RunFlowInput = {
      plan,
      trigger: {},
      run: { id: runId, workspaceId: harness.admin.workspaceId, kind: 'manual' },
    };
    const handle = await harness.temporal.workflow.start(RUN_FLOW_WORKFLOW, {
      taskQueue: harness.taskQueue,
      workflowId: runId,
      args: [input],
    });
    await harness.db.collection('runs').insertOne({
      _id: runId as never,
      workspaceId: harness.admin.workspaceId,
      flowId: flow.id,
      flowName: flow.name,
      version: 1,
      trigger: 'manual',
      startedAt: new Date(),
    });
    try {
      const run = await waitFor(
        'the run to be reported stuck',
        async () => {
          const detail = (await api().get(`/api/runs/${runId}`).expect(200)).body as RunDetail;
          return detail.status === 'stuck' ? detail : undefined;
        },
        { timeoutMs: 30_000, intervalMs: 250 },
      );
      assert.equal(run.endedAt, null);
      assert.match(
        run.error?.message ?? '',
        /^The run is stuck: its workflow task has failed \d+ times? and is retried/,
      );
      assert.match(run.error?.message ?? '', /plan has no trigger node "no_such_trigger"/);

      const listed = (await api().get(`/api/runs?flowId=${flow.id}`).expect(200)).body.items as RunSummary[];
      assert.equal(listed.find((summary) => summary.id === runId)?.status, 'stuck');
    } finally {
      await handle.terminate('test cleanup');
    }
  });
});

describe('the run timeout (flow settings → run timeout)', () => {
  test('Temporal ends a run that passes it; the API says timed out, and why', async () => {
    const flow = await publish('Times out', webhookThenWait({ runTimeoutMs: 2_000 }));
    const { runId } = (await api().post(flow.webhookPath).send({}).expect(202)).body as StartRunResponse;
    await awaitRun(harness.temporal, runId);
    const run = (await api().get(`/api/runs/${runId}`).expect(200)).body as RunDetail;
    assert.equal(run.status, 'timed_out');
    assert.deepEqual(run.error, {
      nodeId: '',
      message: 'run exceeded its 2 s timeout (flow settings → run timeout)',
    });
    const description = await harness.temporal.workflow.getHandle(runId).describe();
    assert.equal(description.status.name, 'TIMED_OUT');
  });

  test('a flow without waits gets the 1 h default; a flow with a Wait gets none unless it sets one', async () => {
    const planOf = async (flowId: string) => {
      const version = await harness.db
        .collection<{ flowId: string; version: number; planJson: string }>('flow_versions')
        .findOne({ flowId, version: 1 });
      assert.ok(version);
      return parsePlan(version.planJson);
    };
    const quick = await publish('Quick', {
      schemaVersion: 1,
      nodes: [{ id: 'hook', type: 'core.webhook', typeVersion: 1, position: { x: 0, y: 0 }, config: {} }],
      edges: [],
    });
    assert.equal((await planOf(quick.id)).runTimeoutMs, 3_600_000);
    const waits = await publish('Waits', webhookThenWait());
    assert.equal((await planOf(waits.id)).runTimeoutMs, undefined);

    const { runId } = (await api().post(quick.webhookPath).send({}).expect(202)).body as StartRunResponse;
    await awaitRun(harness.temporal, runId);
    const timeout = (await harness.temporal.workflow.getHandle(runId).describe()).raw.executionConfig
      ?.workflowExecutionTimeout;
    assert.equal(Number(timeout?.seconds), 3600);
  });
});
