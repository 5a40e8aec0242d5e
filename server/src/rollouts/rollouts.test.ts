import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type {
  AuditEntryView,
  FlowDetail,
  FlowVersionSummary,
  RolloutResponse,
  StartRunResponse,
} from '@pipewright/api-contract';
import type { RunState } from '@pipewright/run-contract';
import { awaitRun, type Harness, startHarness, type TestDocument, waitFor } from '../test-support.ts';

let harness: Harness;
before(async () => {
  harness = await startHarness({ worker: true });
});
after(async () => {
  await harness?.stop();
});

const api = () => harness.api();

/** webhook → transform whose output says which version it is (`v`). */
const versioned = (v: number): TestDocument => ({
  schemaVersion: 1,
  nodes: [
    { id: 'hook', type: 'core.webhook', typeVersion: 1, position: { x: 0, y: 0 }, config: { method: 'POST' } },
    {
      id: 'mark',
      type: 'core.transform',
      typeVersion: 1,
      position: { x: 200, y: 0 },
      config: { fields: [{ name: 'v', value: `{{ ${v} }}` }], keepInput: false, remove: [] },
    },
  ],
  edges: [{ id: 'e1', source: 'hook', target: 'mark' }],
});

async function saveDraft(flow: FlowDetail, document: TestDocument): Promise<void> {
  const current = (await api().get(`/api/flows/${flow.id}`).expect(200)).body as FlowDetail;
  await api().put(`/api/flows/${flow.id}`).send({ document, revision: current.revision }).expect(200);
}

/** Sends `count` webhooks (ten at a time) and answers which version each run ran, from its final state. */
async function runVersions(flow: FlowDetail, count: number): Promise<number[]> {
  const versions: number[] = [];
  for (let sent = 0; sent < count; sent += 10) {
    const batch = Array.from({ length: Math.min(10, count - sent) }, async () => {
      const runId = ((await api().post(flow.webhookPath).send({}).expect(202)).body as StartRunResponse).runId;
      await awaitRun(harness.temporal, runId);
      const state = (await harness.temporal.workflow.getHandle(runId).result()) as RunState;
      assert.equal(
        (state.nodes.mark?.output as { v?: number } | undefined)?.v,
        state.version,
        'the run ran its version’s plan',
      );
      return state.version;
    });
    versions.push(...(await Promise.all(batch)));
  }
  return versions;
}

const count = (versions: number[], version: number) => versions.filter((v) => v === version).length;

describe('staged rollout', () => {
  test('a version on 50 % of new runs, compared, promoted; a second rolled back; all audited', async () => {
    const flow = (
      await api()
        .post('/api/flows')
        .send({ name: 'Rollout', document: versioned(1) })
        .expect(201)
    ).body as FlowDetail;
    await api().post(`/api/flows/${flow.id}/publish`).expect(201);
    await saveDraft(flow, versioned(2));
    const started = (
      await api()
        .post(`/api/flows/${flow.id}/publish`)
        .send({ rollout: { percent: 50 } })
        .expect(201)
    ).body as FlowVersionSummary;
    assert.equal(started.version, 2);
    const detail = (await api().get(`/api/flows/${flow.id}`).expect(200)).body as FlowDetail;
    assert.equal(detail.latestVersion, 1, 'the current version stays the flow’s');
    assert.deepEqual([detail.rollout?.version, detail.rollout?.percent], [2, 50]);

    const inProgress = await api().post(`/api/flows/${flow.id}/publish`).expect(409);
    assert.equal(inProgress.body.error.code, 'rollout_in_progress');
    await api()
      .post(`/api/flows/${flow.id}/publish`)
      .send({ rollout: { percent: 10 } })
      .expect(409);

    // 40 runs at 50 %: both versions run some (all on one side has a chance of 2 in 2^40).
    const versions = await runVersions(flow, 40);
    assert.ok(count(versions, 1) > 0 && count(versions, 2) > 0, `both versions ran: ${versions.join(',')}`);
    assert.equal(count(versions, 1) + count(versions, 2), 40);

    // The comparison counts from Temporal's visibility store, which may lag a moment behind the runs.
    const compared = await waitFor('the comparison to count every run', async () => {
      const { rollout } = (await api().get(`/api/flows/${flow.id}/rollout`).expect(200)).body as RolloutResponse;
      const settled = rollout && rollout.stable.succeeded + rollout.candidate.succeeded === 40;
      return settled ? rollout : undefined;
    });
    assert.deepEqual(
      [compared.stable.version, compared.stable.runs, compared.candidate.version, compared.candidate.runs],
      [1, count(versions, 1), 2, count(versions, 2)],
    );
    assert.deepEqual([compared.stable.successRate, compared.candidate.successRate], [1, 1]);
    assert.ok(
      (compared.candidate.p50Ms ?? -1) >= 0 && (compared.candidate.p95Ms ?? -1) >= (compared.candidate.p50Ms ?? 0),
    );
    assert.equal(compared.percent, 50);
    assert.equal(compared.startedBy, harness.admin.userId);

    const promoted = (await api().post(`/api/flows/${flow.id}/rollout/promote`).expect(200)).body as FlowVersionSummary;
    assert.equal(promoted.version, 2);
    const afterPromote = (await api().get(`/api/flows/${flow.id}`).expect(200)).body as FlowDetail;
    assert.deepEqual([afterPromote.latestVersion, afterPromote.rollout], [2, undefined]);
    assert.deepEqual(await runVersions(flow, 5), [2, 2, 2, 2, 2], 'every new run takes the promoted version');
    await api().post(`/api/flows/${flow.id}/rollout/promote`).expect(409);

    // A second rollout, at 99 %, rolled back: the current version takes every run again.
    await saveDraft(flow, versioned(3));
    await api()
      .post(`/api/flows/${flow.id}/publish`)
      .send({ rollout: { percent: 99 } })
      .expect(201);
    const rolledBack = await api().post(`/api/flows/${flow.id}/rollout/rollback`).expect(200);
    assert.equal(rolledBack.body.version, 3);
    assert.deepEqual(await runVersions(flow, 5), [2, 2, 2, 2, 2]);
    const { rollout: none } = (await api().get(`/api/flows/${flow.id}/rollout`).expect(200)).body as RolloutResponse;
    assert.equal(none, null);
    // Version 3 exists (rolled back): the next publish is version 4.
    const next = (await api().post(`/api/flows/${flow.id}/publish`).expect(201)).body as FlowVersionSummary;
    assert.equal(next.version, 4);

    const audit = ((await api().get('/api/audit?limit=200').expect(200)).body as { items: AuditEntryView[] }).items
      .filter((entry) => entry.target.id === flow.id)
      .map((entry) => [entry.action, entry.details?.version])
      .reverse();
    assert.deepEqual(audit, [
      ['flow.publish', 1],
      ['flow.rollout.start', 2],
      ['flow.rollout.promote', 2],
      ['flow.rollout.start', 3],
      ['flow.rollout.rollback', 3],
      ['flow.publish', 4],
    ]);
  });

  test('bad requests: a share outside 1–99 names the field; nothing to roll out beside; no rollout to end', async () => {
    const flow = (
      await api()
        .post('/api/flows')
        .send({ name: 'Unpublished', document: versioned(1) })
        .expect(201)
    ).body as FlowDetail;
    for (const percent of [0, 100, 12.5]) {
      const refused = await api().post(`/api/flows/${flow.id}/publish`).send({ rollout: { percent } }).expect(400);
      assert.match(refused.body.error.message, /rollout\.percent/);
    }
    const unpublished = await api()
      .post(`/api/flows/${flow.id}/publish`)
      .send({ rollout: { percent: 10 } })
      .expect(409);
    assert.equal(unpublished.body.error.code, 'not_published');
    const noRollout = await api().post(`/api/flows/${flow.id}/rollout/rollback`).expect(409);
    assert.equal(noRollout.body.error.code, 'no_rollout');
    const versions = (await api().get(`/api/flows/${flow.id}/versions`).expect(200)).body as { items: unknown[] };
    assert.deepEqual(versions.items, [], 'nothing was published');
  });
});
