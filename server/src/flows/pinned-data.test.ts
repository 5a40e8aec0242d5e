/**
 * Pinned sample data (n8n's "pin data") through the real stack: saved with the draft and back on reload, refused
 * over its limits with a 413 naming the node, never in a published version, a plan or a run, kept by exports of the
 * draft, kept by a rollback.  (A pinned step-test output holds no secret: pinned-data-secrets.test.ts.)
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type {
  FlowDetail,
  FlowVersionDetail,
  FlowVersionSummary,
  RunDetail,
  StartRunResponse,
} from '@pipewright/api-contract';
import { readServerConfig } from '../config.ts';
import { awaitRun, type Harness, startHarness, TargetServer } from '../test-support.ts';

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
const PIN_MARKER = 'pinned-sample-only';

/** manual → call (http.request to `url`) → shape (reads call's body.name). */
function documentFor(url: string) {
  return {
    schemaVersion: 1,
    nodes: [
      { id: 'start', type: 'core.manual', typeVersion: 1, position: { x: 0, y: 0 }, config: {} },
      {
        id: 'call',
        type: 'http.request',
        typeVersion: 1,
        position: { x: 200, y: 0 },
        config: { method: 'GET', url },
      },
      {
        id: 'shape',
        type: 'core.transform',
        typeVersion: 1,
        position: { x: 400, y: 0 },
        config: { fields: [{ name: 'who', value: '{{ steps.call.body.name }}' }] },
      },
    ],
    edges: [
      { id: 'e1', source: 'start', target: 'call' },
      { id: 'e2', source: 'call', target: 'shape' },
    ],
  };
}

async function createFlow(name: string, document: unknown): Promise<FlowDetail> {
  return (await api().post('/api/flows').send({ name, document }).expect(201)).body as FlowDetail;
}

async function getFlow(id: string): Promise<FlowDetail> {
  return (await api().get(`/api/flows/${id}`).expect(200)).body as FlowDetail;
}

async function save(id: string, document: unknown, expected = 200) {
  const { revision } = await getFlow(id);
  return api().put(`/api/flows/${id}`).send({ document, revision }).expect(expected);
}

async function finishedRun(runId: string): Promise<RunDetail> {
  await awaitRun(harness.temporal, runId);
  return (await api().get(`/api/runs/${runId}`).expect(200)).body as RunDetail;
}

const pinnedSample = { status: 200, headers: {}, body: { name: PIN_MARKER } };

describe('pinned sample data', () => {
  test('its limits are settings: PIPEWRIGHT_MAX_PINNED_BYTES_PER_NODE and _PER_FLOW', () => {
    assert.deepEqual(readServerConfig({}).pinnedDataLimits, { maxBytesPerNode: 262_144, maxBytesPerFlow: 1_048_576 });
    const set = readServerConfig({
      PIPEWRIGHT_MAX_PINNED_BYTES_PER_NODE: '1000',
      PIPEWRIGHT_MAX_PINNED_BYTES_PER_FLOW: '5000',
    });
    assert.deepEqual(set.pinnedDataLimits, { maxBytesPerNode: 1000, maxBytesPerFlow: 5000 });
    assert.throws(
      () => readServerConfig({ PIPEWRIGHT_MAX_PINNED_BYTES_PER_NODE: 'lots' }),
      /PIPEWRIGHT_MAX_PINNED_BYTES_PER_NODE must be a whole number of bytes from 0 to 4194304, got "lots"/,
    );
  });

  test('is saved with the draft and comes back on reload, with the limits the editor checks against', async () => {
    const flow = await createFlow('Pinned', documentFor('http://127.0.0.1:9/unused'));
    assert.deepEqual(flow.pinnedDataLimits, { maxBytesPerNode: 256 * 1024, maxBytesPerFlow: 1024 * 1024 });
    await save(flow.id, { ...flow.document, pinnedData: { call: pinnedSample, shape: null } });
    const reloaded = await getFlow(flow.id);
    assert.deepEqual(reloaded.document.pinnedData, { call: pinnedSample, shape: null });
  });

  test('over a limit it is refused with a 413 naming the node and the limit; the draft is unchanged', async () => {
    const flow = await createFlow('Too much', documentFor('http://127.0.0.1:9/unused'));
    const big = { body: 'x'.repeat(300 * 1024) };
    const perNode = await save(flow.id, { ...flow.document, pinnedData: { call: big } }, 413);
    assert.equal(perNode.body.error.code, 'pinned_data_too_large');
    assert.match(perNode.body.error.message, /Pinned data of node "call" is 300 KiB; the limit is 256 KiB per node/);
    assert.deepEqual(
      perNode.body.error.issues.map((issue: { path: string }) => issue.path),
      ['document.pinnedData.call'],
    );

    const nearly = (letter: string) => ({ body: letter.repeat(250 * 1024) });
    const document = structuredClone(flow.document);
    const extra = ['a', 'b', 'c'].map((id, index) => ({
      id: `extra_${id}`,
      type: 'core.transform',
      typeVersion: 1,
      position: { x: 600, y: index * 100 },
      config: { fields: [] },
    }));
    const perFlow = await save(
      flow.id,
      {
        ...document,
        nodes: [...document.nodes, ...extra],
        pinnedData: {
          call: nearly('c'),
          shape: nearly('s'),
          extra_a: nearly('a'),
          extra_b: nearly('b'),
          extra_c: nearly('e'),
        },
      },
      413,
    );
    assert.match(
      perFlow.body.error.message,
      /^Pinned data of this flow is 1\.2 MiB in all; the limit is 1 MiB per flow\. Unpin some steps \(the largest is node "\w+", 250 KiB\)$/,
    );

    const created = await api()
      .post('/api/flows')
      .send({ name: 'Created too big', document: { ...flow.document, pinnedData: { call: big } } })
      .expect(413);
    assert.match(created.body.error.message, /node "call"/);
    assert.equal((await getFlow(flow.id)).document.pinnedData, undefined, 'nothing was stored');
  });

  test('a pin of a node the draft no longer has is refused naming it', async () => {
    const flow = await createFlow('Orphan pin', documentFor('http://127.0.0.1:9/unused'));
    const refused = await save(flow.id, { ...flow.document, pinnedData: { gone: { a: 1 } } }, 400);
    assert.match(refused.body.error.message, /document\.pinnedData\.gone: pins data to node "gone"/);
  });

  test('publishing and running ignore pins: the version, its plan and its runs never hold them', async () => {
    const url = target.script('/real', [{ status: 200, body: { name: 'from the real call' } }]);
    const flow = await createFlow('Runs ignore pins', documentFor(url));
    await save(flow.id, { ...flow.document, pinnedData: { call: pinnedSample } });
    const published = (await api().post(`/api/flows/${flow.id}/publish`).expect(201)).body as FlowVersionSummary;
    const version = (await api().get(`/api/flows/${flow.id}/versions/${published.version}`).expect(200))
      .body as FlowVersionDetail;
    assert.equal(version.document.pinnedData, undefined, 'a version holds no pinned data');
    assert.doesNotMatch(JSON.stringify(version.plan), new RegExp(PIN_MARKER), 'the plan holds no pinned data');

    // Publishing the same steps without pins gives the same plan (bar the version number the hash covers).
    const unpinned = await createFlow('Same steps, no pins', documentFor(url));
    const twin = (await api().post(`/api/flows/${unpinned.id}/publish`).expect(201)).body as FlowVersionSummary;
    const twinPlan = (await api().get(`/api/flows/${unpinned.id}/versions/${twin.version}`).expect(200))
      .body as FlowVersionDetail;
    const comparable = (plan: unknown) =>
      JSON.stringify(plan)
        .replaceAll(unpinned.id, 'F')
        .replaceAll(flow.id, 'F')
        .replace(/"hash":"[0-9a-f]*"/, '"hash":""');
    assert.equal(comparable(version.plan), comparable(twinPlan.plan));

    for (const source of ['published', 'draft'] as const) {
      const started = (await api().post(`/api/flows/${flow.id}/runs`).send({ source }).expect(202))
        .body as StartRunResponse;
      const run = await finishedRun(started.runId);
      assert.equal(run.status, 'succeeded', `${source} run: ${JSON.stringify(run.error)}`);
      assert.deepEqual(run.nodes.shape?.output, { who: 'from the real call' }, `${source} run calls the step`);
      assert.equal(run.document?.pinnedData, undefined, `${source} run keeps no pinned data`);
    }
    assert.deepEqual((await getFlow(flow.id)).document.pinnedData, { call: pinnedSample }, 'the draft keeps its pins');
  });

  test('a draft export keeps pins (as n8n does), a version export has none, and a rollback keeps the draft’s', async () => {
    const flow = await createFlow('Exported pins', documentFor('http://127.0.0.1:9/unused'));
    await save(flow.id, { ...flow.document, pinnedData: { call: pinnedSample } });
    const draftFile = JSON.parse((await api().get(`/api/flows/${flow.id}/export`).expect(200)).text);
    assert.deepEqual(draftFile.document.pinnedData, { call: pinnedSample });
    const imported = (await api().post('/api/flows/import').send(draftFile).expect(201)).body as {
      flow: FlowDetail;
    };
    assert.deepEqual((await getFlow(imported.flow.id)).document.pinnedData, { call: pinnedSample });

    const published = (await api().post(`/api/flows/${flow.id}/publish`).expect(201)).body as FlowVersionSummary;
    const versionFile = JSON.parse(
      (await api().get(`/api/flows/${flow.id}/export?version=${published.version}`).expect(200)).text,
    );
    assert.equal(versionFile.document.pinnedData, undefined);

    const repinned = { body: { name: 'pinned after publishing' } };
    await save(flow.id, { ...flow.document, pinnedData: { call: repinned } });
    await api().post(`/api/flows/${flow.id}/versions/${published.version}/rollback`).expect(201);
    assert.deepEqual((await getFlow(flow.id)).document.pinnedData, { call: repinned });
  });
});
