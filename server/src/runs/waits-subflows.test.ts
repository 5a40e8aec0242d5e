import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FlowDetail, FlowVersionDetail, RunDetail, StartRunResponse } from '@pipewright/api-contract';
import type { ExecutionPlan } from '@pipewright/run-contract';
import request from 'supertest';
import { awaitRun, type Harness, startHarness, waitFor } from '../test-support.ts';
import { ResumeLinks } from './resume-links.ts';

let harness: Harness;
before(async () => {
  harness = await startHarness({ worker: true });
});
after(async () => {
  await harness?.stop();
});

/** Calls as the workspace admin (API token). */
const post = (path: string) => harness.api().post(path);
const put = (path: string) => harness.api().put(path);
const get = (path: string) => harness.api().get(path);

type DocNode = { id: string; type: string; config?: Record<string, unknown> };
const documentOf = (nodes: DocNode[], edges: [string, string, string?][]) => ({
  schemaVersion: 1,
  nodes: nodes.map((node, index) => ({ typeVersion: 1, position: { x: index * 200, y: 0 }, config: {}, ...node })),
  edges: edges.map(([source, target, sourcePort = 'out']) => ({
    id: `${source}_${sourcePort}_${target}`,
    source,
    sourcePort,
    target,
  })),
});

async function createFlow(name: string, nodes: DocNode[], edges: [string, string, string?][]): Promise<FlowDetail> {
  return (
    await post('/api/flows')
      .send({ name, document: documentOf(nodes, edges) })
      .expect(201)
  ).body as FlowDetail;
}
const publish = (flowId: string) => post(`/api/flows/${flowId}/publish`);
async function startRun(flowId: string, payload: unknown): Promise<string> {
  const started = (await post(`/api/flows/${flowId}/runs`).send({ source: 'published', payload }).expect(202)).body;
  return (started as StartRunResponse).runId;
}
const getRun = async (runId: string) => (await get(`/api/runs/${runId}`).expect(200)).body as RunDetail;
const untilWaiting = (runId: string, nodeId: string): Promise<RunDetail> =>
  waitFor(`node "${nodeId}" of ${runId} to be waiting`, async () => {
    const run = await getRun(runId);
    return run.nodes[nodeId]?.status === 'waiting' ? run : undefined;
  });
const relative = (url: string) => new URL(url, 'http://x').pathname;

describe('sub-flows', () => {
  test('publishing embeds the child’s latest plan; a run returns the child’s output', async () => {
    const child = await createFlow(
      'Greeter',
      [
        { id: 'start', type: 'core.manual' },
        {
          id: 'greet',
          type: 'core.transform',
          config: { fields: [{ name: 'greeting', value: '{{ "Hi " & trigger.name }}' }] },
        },
      ],
      [['start', 'greet']],
    );
    await publish(child.id).expect(201);
    const parent = await createFlow(
      'Caller',
      [
        { id: 'start', type: 'core.manual' },
        { id: 'call', type: 'core.subflow', config: { flowId: child.id, input: { name: '{{ trigger.body.name }}' } } },
      ],
      [['start', 'call']],
    );
    const published = (await publish(parent.id).expect(201)).body as { version: number; hash: string };
    const version = (await get(`/api/flows/${parent.id}/versions/${published.version}`).expect(200))
      .body as FlowVersionDetail;
    const call = (version.plan as ExecutionPlan).nodes.find((node) => node.id === 'call');
    assert.equal(call?.subflow?.flowId, child.id);
    assert.equal(call?.subflow?.version, 1);
    assert.equal((version.plan as ExecutionPlan).hash, published.hash);

    const runId = await startRun(parent.id, { name: 'Ada' });
    await awaitRun(harness.temporal, runId);
    const run = await getRun(runId);
    assert.equal(run.status, 'succeeded');
    assert.deepEqual(run.nodes.call?.output, { greeting: 'Hi Ada' });
  });

  test('refuses a flow calling itself, and a cycle A → B → A, on config.flowId', async () => {
    const a = await createFlow(
      'A',
      [
        { id: 'start', type: 'core.manual' },
        { id: 'noop', type: 'core.transform' },
      ],
      [['start', 'noop']],
    );
    await publish(a.id).expect(201);
    const b = await createFlow(
      'B',
      [
        { id: 'start', type: 'core.manual' },
        { id: 'callA', type: 'core.subflow', config: { flowId: a.id } },
      ],
      [['start', 'callA']],
    );
    await publish(b.id).expect(201);

    const self = documentOf(
      [
        { id: 'start', type: 'core.manual' },
        { id: 'me', type: 'core.subflow', config: { flowId: a.id } },
      ],
      [['start', 'me']],
    );
    const current = (await get(`/api/flows/${a.id}`).expect(200)).body as FlowDetail;
    await put(`/api/flows/${a.id}`).send({ document: self, revision: current.revision }).expect(200);
    const selfErrors = (await publish(a.id).expect(422)).body.error.compileErrors;
    assert.deepEqual(
      selfErrors.map((error: { nodeId: string; field: string }) => [error.nodeId, error.field]),
      [['me', 'config.flowId']],
    );
    assert.match(selfErrors[0].message, /cannot call itself/);

    const cycle = documentOf(
      [
        { id: 'start', type: 'core.manual' },
        { id: 'callB', type: 'core.subflow', config: { flowId: b.id } },
      ],
      [['start', 'callB']],
    );
    const again = (await get(`/api/flows/${a.id}`).expect(200)).body as FlowDetail;
    await put(`/api/flows/${a.id}`).send({ document: cycle, revision: again.revision }).expect(200);
    const [cycleError] = (await publish(a.id).expect(422)).body.error.compileErrors;
    assert.equal(cycleError.field, 'config.flowId');
    assert.match(cycleError.message, /flow "B" calls this flow back .* which would never end/);
  });
});

describe('event waits resumed from outside', () => {
  /** start → link (computes the resume URL, as an approval e-mail would) → approve (event wait) → done. */
  let flow: FlowDetail;
  before(async () => {
    flow = await createFlow(
      'Approval',
      [
        { id: 'start', type: 'core.manual' },
        {
          id: 'link',
          type: 'core.transform',
          config: { fields: [{ name: 'url', value: '{{ run.resumeUrls.approve }}' }] },
        },
        { id: 'approve', type: 'core.wait', config: { mode: 'event', eventName: 'approval', timeoutSeconds: 3600 } },
        { id: 'done', type: 'core.transform', config: { fields: [{ name: 'by', value: '{{ input.by }}' }] } },
      ],
      [
        ['start', 'link'],
        ['link', 'approve'],
        ['approve', 'done'],
      ],
    );
    await publish(flow.id).expect(201);
  });

  test('POST /api/runs/:id/resume wakes the wait with its payload', async () => {
    const runId = await startRun(flow.id, {});
    const waiting = await untilWaiting(runId, 'approve');
    assert.equal(waiting.nodes.approve?.waitingFor, 'approval');
    assert.match(waiting.nodes.approve?.resumeUrl ?? '', /\/hooks\/resume\/[\w-]+\.[\w-]+$/);
    await post(`/api/runs/${runId}/resume`)
      .send({ eventName: 'approval', payload: { by: 'api' } })
      .expect(202);
    await awaitRun(harness.temporal, runId);
    const run = await getRun(runId);
    assert.equal(run.status, 'succeeded');
    assert.deepEqual(run.nodes.done?.output, { by: 'api' });
    await post(`/api/runs/${runId}/resume`).send({ payload: {} }).expect(409);
    await post('/api/runs/run_doesnotexist/resume').send({ payload: {} }).expect(404);
  });

  test('the signed resume URL the flow computed wakes it; a tampered one is refused with 401', async () => {
    const runId = await startRun(flow.id, {});
    await untilWaiting(runId, 'approve');
    const linkOutput = (await getRun(runId)).nodes.link?.output;
    assert.ok(typeof linkOutput === 'object' && linkOutput !== null && 'url' in linkOutput);
    const url = String(linkOutput.url);
    const path = relative(url);
    assert.match(path, /^\/hooks\/resume\//);
    const token = path.slice('/hooks/resume/'.length);
    const [payload = '', signature = ''] = token.split('.');
    const tampered = `${payload}.${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BB' : 'AA'}`;
    const refused = await request(harness.app).post(`/hooks/resume/${tampered}`).send({ by: 'mallory' }).expect(401);
    assert.equal(refused.body.error.code, 'invalid_link');
    await request(harness.app).post('/hooks/resume/not-a-token').send({}).expect(401);

    // Signed with the same (stored) secret, but expired: refused, saying when.
    const expired = await new ResumeLinks({ db: harness.db }).sign({
      runId,
      nodeId: 'approve',
      expiresAt: 1_700_000_000,
    });
    const late = await request(harness.app).post(`/hooks/resume/${expired}`).send({}).expect(401);
    assert.match(late.body.error.message, /expired on 2023-11-14/);

    await request(harness.app).post(path).send({ by: 'link' }).expect(202);
    await awaitRun(harness.temporal, runId);
    assert.deepEqual((await getRun(runId)).nodes.done?.output, { by: 'link' });
  });
});
