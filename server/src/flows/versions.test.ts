import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type {
  FlowDetail,
  FlowVersionDetail,
  FlowVersionSummary,
  RunDetail,
  RunSummary,
  StartRunResponse,
  StepTestResult,
} from '@pipewright/api-contract';
import type { FlowDiff } from '@pipewright/flow';
import { asRunState } from '@pipewright/run-contract/schema';
import {
  awaitRun,
  type Harness,
  startHarness,
  TargetServer,
  type TestDocument,
  waitFor,
  webhookToHttpDocument,
} from '../test-support.ts';

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

async function createFlow(name: string, document: TestDocument): Promise<FlowDetail> {
  return (await api().post('/api/flows').send({ name, document }).expect(201)).body as FlowDetail;
}

/** Saves `document` as the draft (on the flow's current revision) and publishes it. */
async function saveAndPublish(flowId: string, document: TestDocument): Promise<FlowVersionSummary> {
  const flow = (await api().get(`/api/flows/${flowId}`).expect(200)).body as FlowDetail;
  await api().put(`/api/flows/${flowId}`).send({ document, revision: flow.revision }).expect(200);
  return (await api().post(`/api/flows/${flowId}/publish`).expect(201)).body as FlowVersionSummary;
}

async function finishedRun(runId: string): Promise<RunDetail> {
  await awaitRun(harness.temporal, runId);
  return (await api().get(`/api/runs/${runId}`).expect(200)).body as RunDetail;
}

function outputBody(run: RunDetail, nodeId: string): unknown {
  const output = run.nodes[nodeId]?.output;
  assert.ok(typeof output === 'object' && output !== null && 'body' in output, `${nodeId} has an output body`);
  return output.body;
}

function withCall(document: TestDocument, change: (config: Record<string, unknown>) => void): TestDocument {
  const copy = structuredClone(document);
  const call = copy.nodes.find((node) => node.id === 'call');
  assert.ok(call);
  change(call.config);
  return copy;
}

describe('version diff and rollback', () => {
  test('the diff lists changed config with paths and keeps moves apart', async () => {
    const v1 = webhookToHttpDocument('http://127.0.0.1:9/one');
    const flow = await createFlow('Diffed', v1);
    await api().post(`/api/flows/${flow.id}/publish`).expect(201);
    const v2 = withCall(v1, (config) => {
      config.url = 'http://127.0.0.1:9/two';
      config.headers = { accept: 'application/json' };
    });
    const hook = v2.nodes[0];
    assert.ok(hook);
    hook.position = { x: 40, y: 80 };
    await saveAndPublish(flow.id, v2);

    const diff = (await api().get(`/api/flows/${flow.id}/versions/1/diff/2`).expect(200)).body as FlowDiff;
    assert.deepEqual(diff.nodes.changed, [
      {
        id: 'call',
        fields: [
          { path: 'config.url', before: 'http://127.0.0.1:9/one', after: 'http://127.0.0.1:9/two' },
          { path: 'config.headers', after: { accept: 'application/json' } },
        ],
      },
    ]);
    assert.deepEqual(diff.nodes.moved, [{ id: 'hook', before: { x: 0, y: 0 }, after: { x: 40, y: 80 } }]);
    assert.deepEqual(diff.nodes.added, []);
    assert.deepEqual(diff.edges, { added: [], removed: [] });

    const same = (await api().get(`/api/flows/${flow.id}/versions/2/diff/2`).expect(200)).body as FlowDiff;
    assert.deepEqual(same.nodes.changed, []);
    await api().get(`/api/flows/${flow.id}/versions/1/diff/9`).expect(404);
    const bad = await api().get(`/api/flows/${flow.id}/versions/one/diff/2`).expect(400);
    assert.match(bad.body.error.message, /^a: /);
  });

  test('rollback publishes the old document as the newest version and makes it the draft', async () => {
    const v1 = webhookToHttpDocument('http://127.0.0.1:9/first');
    const flow = await createFlow('Rolled back', v1);
    await api().post(`/api/flows/${flow.id}/publish`).expect(201);
    await saveAndPublish(
      flow.id,
      withCall(v1, (config) => {
        config.url = 'http://127.0.0.1:9/second';
      }),
    );
    const draftBefore = (await api().get(`/api/flows/${flow.id}`).expect(200)).body as FlowDetail;

    const rolled = (await api().post(`/api/flows/${flow.id}/versions/1/rollback`).expect(201))
      .body as FlowVersionSummary;
    assert.equal(rolled.version, 3);
    const v3 = (await api().get(`/api/flows/${flow.id}/versions/3`).expect(200)).body as FlowVersionDetail;
    const v1Detail = (await api().get(`/api/flows/${flow.id}/versions/1`).expect(200)).body as FlowVersionDetail;
    assert.deepEqual(v3.document, v1Detail.document);
    assert.equal((v3.plan as { version: number }).version, 3);

    const draft = (await api().get(`/api/flows/${flow.id}`).expect(200)).body as FlowDetail;
    assert.deepEqual(draft.document, v1Detail.document);
    assert.equal(draft.revision, draftBefore.revision + 1);
    assert.equal(draft.latestVersion, 3);

    // An editor still holding the pre-rollback draft is told its save is stale.
    const stale = await api()
      .put(`/api/flows/${flow.id}`)
      .send({ name: 'Mine', revision: draftBefore.revision })
      .expect(409);
    assert.equal(stale.body.error.code, 'stale_revision');
    await api().post(`/api/flows/${flow.id}/versions/7/rollback`).expect(404);
  });
});

describe('re-run and pinned versions', () => {
  test('re-run starts the flow again on the current version with the original trigger output', async () => {
    const oldUrl = target.script('/rerun-old', [{ status: 200, body: { from: 'old' } }]);
    const newUrl = target.script('/rerun-new', [{ status: 200, body: { from: 'new' } }]);
    const v1 = webhookToHttpDocument(oldUrl);
    const flow = await createFlow('Re-run', v1);
    await api().post(`/api/flows/${flow.id}/publish`).expect(201);
    const { runId } = (await api().post(`${flow.webhookPath}?src=a`).send({ name: 'Ada' }).expect(202))
      .body as StartRunResponse;
    const original = await finishedRun(runId);
    assert.equal(original.status, 'succeeded');

    await saveAndPublish(
      flow.id,
      withCall(v1, (config) => {
        config.url = newUrl;
      }),
    );
    const rerun = (await api().post(`/api/runs/${runId}/rerun`).expect(202)).body as StartRunResponse;
    assert.notEqual(rerun.runId, runId);
    const again = await finishedRun(rerun.runId);
    assert.equal(again.status, 'succeeded');
    assert.equal(again.version, 2);
    assert.equal(again.flowId, flow.id);
    assert.deepEqual(again.nodes.hook?.output, original.nodes.hook?.output);
    assert.deepEqual(outputBody(again, 'call'), { from: 'new' });
    const sent = target.requests.filter((item) => item.path === '/rerun-new');
    assert.deepEqual(
      sent.map((item) => JSON.parse(item.body)),
      [{ name: 'Ada' }],
    );
    const listed = (await api().get(`/api/runs?flowId=${flow.id}`).expect(200)).body as { items: RunSummary[] };
    assert.deepEqual(
      listed.items.map((item) => item.id),
      [rerun.runId, runId],
    );
    await api().post('/api/runs/run_unknown/rerun').expect(404);
  });

  test('publishing v2 while a v1 run waits on its HTTP call leaves that run on v1', async () => {
    const held = await startHeldTarget();
    try {
      const v1 = withCall(webhookToHttpDocument(`${held.url}/v1`), (config) => {
        config.body = { name: '{{ trigger.body.name }}', config: 'v1' };
      });
      const flow = await createFlow('Pinned', v1);
      await api().post(`/api/flows/${flow.id}/publish`).expect(201);
      const { runId } = (await api().post(flow.webhookPath).send({ name: 'Pat' }).expect(202)).body as StartRunResponse;
      await held.firstRequest;

      const v2 = withCall(v1, (config) => {
        config.url = `${held.url}/v2`;
        config.body = { name: '{{ trigger.body.name }}', config: 'v2' };
      });
      assert.equal((await saveAndPublish(flow.id, v2)).version, 2);
      held.release();

      const run = await finishedRun(runId);
      assert.equal(run.status, 'succeeded');
      assert.equal(run.version, 1);
      assert.deepEqual(outputBody(run, 'call'), {
        path: '/v1',
        received: { name: 'Pat', config: 'v1' },
      });
      assert.deepEqual(
        held.requests.map((item) => item.path),
        ['/v1'],
      );
      const call = run.document?.nodes.find((node) => node.id === 'call');
      assert.equal(call?.config.url, `${held.url}/v1`, 'the run shows the document of its own version');
    } finally {
      await held.close();
    }
  });
});

describe('test this step', () => {
  test('runs only that step with the given input and returns its output, unlisted', async () => {
    const url = target.script('/step', [{ status: 200, body: { ok: 'tested' } }]);
    const flow = await createFlow('Step test', webhookToHttpDocument('http://127.0.0.1:9/unused', 'core.manual'));
    const response = await api()
      .post(`/api/flows/${flow.id}/nodes/call/test`)
      .send({ input: { method: 'POST', url, body: { name: 'Zed' } } })
      .expect(200);
    const result = response.body as StepTestResult;
    assert.equal(result.status, 'succeeded');
    assert.deepEqual((result.output as { body: unknown }).body, { ok: 'tested' });
    assert.equal(result.attempts, 1);
    assert.equal(result.error, null);
    // The step's own time in the run that tested it (unlisted, but Temporal finds it by its flow).
    const testRun = await waitFor(`the step test's run of ${flow.id} in Temporal`, async () => {
      for await (const info of harness.temporal.workflow.list({ query: `FlowId = '${flow.id}'` })) {
        return info.workflowId;
      }
      return undefined;
    });
    const call = asRunState(await harness.temporal.workflow.getHandle(testRun).result())?.nodes.call;
    assert.equal(result.durationMs, Number(call?.endedAt) - Number(call?.startedAt));
    const sent = target.requests.filter((item) => item.path === '/step');
    assert.deepEqual(
      sent.map((item) => JSON.parse(item.body)),
      [{ name: 'Zed' }],
    );
    const runs = (await api().get(`/api/runs?flowId=${flow.id}`).expect(200)).body as { items: unknown[] };
    assert.deepEqual(runs.items, [], 'a step test is not a run of the flow');
  });

  test('a failing step reports its error and attempts; bad input, triggers and unknown nodes are refused', async () => {
    const url = target.script('/step-down', [{ status: 404, body: { error: 'gone' } }]);
    const flow = await createFlow('Step test 2', webhookToHttpDocument('http://127.0.0.1:9/unused', 'core.manual'));
    const failed = (await api().post(`/api/flows/${flow.id}/nodes/call/test`).send({ input: { url } }).expect(200))
      .body as StepTestResult;
    assert.equal(failed.status, 'failed');
    assert.equal(failed.error?.message, `GET ${url} answered 404`);
    assert.equal(failed.attempts, 1, 'a 404 is not retried');

    const invalid = await api()
      .post(`/api/flows/${flow.id}/nodes/call/test`)
      .send({ input: { url: 'not a url' } })
      .expect(422);
    assert.equal(invalid.body.error.compileErrors[0].nodeId, 'call');
    const trigger = await api().post(`/api/flows/${flow.id}/nodes/hook/test`).send({ input: {} }).expect(422);
    assert.equal(trigger.body.error.code, 'not_testable');
    await api().post(`/api/flows/${flow.id}/nodes/nope/test`).send({ input: {} }).expect(404);
    await api().post(`/api/flows/${flow.id}/nodes/call/test`).send({}).expect(400);
  });

  test('the new routes are in the OpenAPI document', async () => {
    const doc = (await api().get('/api/openapi.json').expect(200)).body as { paths: Record<string, object> };
    for (const [path, method] of [
      ['/api/flows/{id}/versions/{a}/diff/{b}', 'get'],
      ['/api/flows/{id}/versions/{version}/rollback', 'post'],
      ['/api/flows/{id}/nodes/{nodeId}/test', 'post'],
      ['/api/runs/{id}/rerun', 'post'],
    ] as const) {
      assert.ok(doc.paths[path] && method in doc.paths[path], `${method} ${path}`);
    }
  });
});

/** An HTTP target that holds every response until `release()`; `firstRequest` resolves when one arrives. */
async function startHeldTarget() {
  const requests: { path: string; body: unknown }[] = [];
  let release!: () => void;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  let arrived!: () => void;
  const firstRequest = new Promise<void>((resolve) => {
    arrived = resolve;
  });
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => {
      raw += chunk.toString('utf8');
    });
    req.on('end', () => {
      const path = req.url ?? '/';
      const body: unknown = raw ? JSON.parse(raw) : null;
      requests.push({ path, body });
      arrived();
      void gate.then(() => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ path, received: body }));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    firstRequest,
    release,
    async close() {
      release();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
