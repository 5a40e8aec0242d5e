import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { RateLimitsView, RunDetail } from '@pipewright/api-contract';
import {
  awaitRun,
  createSignedInAgent,
  type Harness,
  startHarness,
  TargetServer,
  webhookToHttpDocument,
} from '../test-support.ts';

/**
 * A workspace's rate limits, set through the API and applied by the real worker (docs/adr/019-shared-rate-limits.md;
 * the two-worker Redis case is worker/src/shared-rate-limits.test.ts).
 */
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

describe('rate limits per workspace', () => {
  test('an admin sets them; every member reads them; the change is audited', async () => {
    const api = harness.api();
    const empty = await api.get('/api/rate-limits').expect(200);
    assert.deepEqual(empty.body, { limits: {}, updatedAt: null, updatedBy: null } satisfies RateLimitsView);

    const limits = { http: { count: 20, per: 's' }, '*': { count: 600, per: 'm' } };
    const saved = await api.put('/api/rate-limits').send({ limits }).expect(200);
    assert.deepEqual(saved.body.limits, limits);
    assert.equal(saved.body.updatedBy, harness.admin.email);

    const viewer = (await createSignedInAgent(harness, { role: 'viewer' })).agent();
    const read = await viewer.get('/api/rate-limits').expect(200);
    assert.deepEqual(read.body.limits, limits);
    await viewer.put('/api/rate-limits').send({ limits: {} }).expect(403);

    const audit = await api.get('/api/audit').expect(200);
    const entry = audit.body.items.find((item: { action: string }) => item.action === 'rate_limits.update');
    assert.ok(entry, 'the change is in the audit log');

    await api.put('/api/rate-limits').send({ limits: {} }).expect(200);
    assert.deepEqual((await api.get('/api/rate-limits').expect(200)).body.limits, {}, '{} clears them');
  });

  test('bad limits are refused naming the field, and the stored ones stay', async () => {
    const api = harness.api();
    const kept = { postgres: { count: 5, per: 's' } };
    await api.put('/api/rate-limits').send({ limits: kept }).expect(200);
    const cases: [unknown, RegExp][] = [
      [{ http: { count: 0, per: 's' } }, /limits\.http\.count/],
      [{ http: { count: 1.5, per: 's' } }, /limits\.http\.count/],
      [{ http: { count: 5, per: 'h' } }, /limits\.http\.per/],
      [{ 'http request': { count: 5, per: 's' } }, /limits/],
      [{ http: { count: 5, per: 's', burst: 9 } }, /limits\.http/],
    ];
    for (const [limits, field] of cases) {
      const refused = await api.put('/api/rate-limits').send({ limits }).expect(400);
      assert.match(JSON.stringify(refused.body.error), field, JSON.stringify(limits));
    }
    assert.deepEqual((await api.get('/api/rate-limits').expect(200)).body.limits, kept);
    await api.put('/api/rate-limits').send({ limits: {} }).expect(200);
  });

  test('the worker holds a workspace’s steps to its http=1/s: one call a second, whatever the workers’ setting', async (t) => {
    const api = harness.api();
    await api
      .put('/api/rate-limits')
      .send({ limits: { http: { count: 1, per: 's' } } })
      .expect(200);
    const url = target.script('/limited', [{ status: 200, body: { ok: true } }]);
    const document = webhookToHttpDocument(url, 'core.manual');
    const [trigger, call] = document.nodes;
    assert.ok(trigger && call);
    // Three calls side by side: without the limit they would leave together.
    document.nodes = [
      trigger,
      ...['c1', 'c2', 'c3'].map((id, index) => ({ ...call, id, position: { x: 200, y: index * 100 } })),
    ];
    document.edges = ['c1', 'c2', 'c3'].map((id) => ({ id: `e-${id}`, source: trigger.id, target: id }));
    const created = await api.post('/api/flows').send({ name: 'limited', document }).expect(201);

    const started = await api
      .post(`/api/flows/${created.body.id}/runs`)
      .send({ payload: { name: 'n' } })
      .expect(202);
    await awaitRun(harness.temporal, started.body.runId);
    const run: RunDetail = (await api.get(`/api/runs/${started.body.runId}`).expect(200)).body;
    assert.equal(run.status, 'succeeded');
    const startedAt = Date.parse(run.startedAt);
    const arrivals = target.requests
      .filter((hit) => hit.path === '/limited')
      .map((hit) => hit.at - startedAt)
      .sort((x, y) => x - y);
    t.diagnostic(`arrivals after the run started (ms): ${arrivals.join(', ')}`);
    assert.equal(arrivals.length, 3);
    // Each window passes one call and opens no sooner than 1 s after the one before, the first after the run
    // started: the k-th call cannot arrive sooner than k seconds after the start.
    for (const [index, at] of arrivals.entries()) {
      assert.ok(at >= index * 1000 - TIMER_SLACK_MS, `call ${index + 1} arrived ${at} ms after the run started`);
    }
    const waited = ['c1', 'c2', 'c3'].filter((id) => (run.nodes[id]?.rateLimitWaitMs ?? 0) > 0);
    assert.ok(waited.length >= 1, 'the run view says which calls waited for the limit');
  });
});

/** A timer may fire a loop turn early (libuv's cached clock) and waits are rounded to whole ms. */
const TIMER_SLACK_MS = 100;
