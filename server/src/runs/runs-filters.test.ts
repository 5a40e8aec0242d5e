import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FlowDetail, RunSummary, RunsPage, StartRunResponse } from '@pipewright/api-contract';
import { awaitRun, type Harness, startHarness, TargetServer, waitFor, webhookToHttpDocument } from '../test-support.ts';
import { RunsRepository } from './runs.repository.ts';

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
const SEARCHABLE = [
  { name: 'orderId', expression: '{{ trigger.body.orderId }}' },
  { name: 'region', expression: '{{ trigger.body.region }}' },
];
/** A value with every character a visibility query could trip on. */
const HOSTILE_ORDER = `o"3' \\ %22 OR 1=1`;

async function publish(name: string, url: string, searchable?: typeof SEARCHABLE): Promise<FlowDetail> {
  const document = { ...webhookToHttpDocument(url), ...(searchable ? { settings: { searchable } } : {}) };
  const flow = (await api().post('/api/flows').send({ name, document }).expect(201)).body as FlowDetail;
  await api().post(`/api/flows/${flow.id}/publish`).expect(201);
  return flow;
}

async function delivered(flow: FlowDetail, body: Record<string, string>): Promise<string> {
  const { runId } = (await api().post(flow.webhookPath).send(body).expect(202)).body as StartRunResponse;
  await awaitRun(harness.temporal, runId);
  return runId;
}

/** Every page of a list, following `nextCursor`; fails on a repeated run. */
async function allPages(query: string): Promise<{ ids: string[]; pages: number; items: RunSummary[] }> {
  const items: RunSummary[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const url: string = `/api/runs?${query}${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`;
    const page = (await api().get(url).expect(200)).body as RunsPage;
    items.push(...page.items);
    cursor = page.nextCursor;
    pages += 1;
    assert.ok(pages < 50, 'the cursor chain ends');
  } while (cursor !== null);
  const ids = items.map((item) => item.id);
  assert.equal(new Set(ids).size, ids.length, `no run is listed twice: ${ids.join(', ')}`);
  return { ids, pages, items };
}

const ids = async (query: string) => (await allPages(query)).ids.sort();
const sorted = (list: string[]) => [...list].sort();

describe('runs list filters', () => {
  let orders: FlowDetail;
  let broken: FlowDetail;
  const run: Record<string, string> = {};

  before(async () => {
    orders = await publish('Orders', target.script('/orders', [{ status: 200, body: { ok: true } }]), SEARCHABLE);
    broken = await publish('Broken', target.script('/broken', [{ status: 500, body: { error: 'down' } }]));
    run.o1 = await delivered(orders, { orderId: 'o1', region: 'eu' });
    run.o2 = await delivered(orders, { orderId: 'o2', region: 'us' });
    run.o3 = await delivered(orders, { orderId: HOSTILE_ORDER, region: 'eu' });
    await api().post(`/api/flows/${orders.id}/publish`).expect(201);
    run.o4 = await delivered(orders, { orderId: 'o4', region: 'eu' });
    run.b1 = await delivered(broken, { orderId: 'b1' });
    run.b2 = await delivered(broken, { orderId: 'b2' });
    const manual = await api()
      .post(`/api/flows/${orders.id}/runs`)
      .send({ source: 'published', payload: { orderId: 'm1' } })
      .expect(202);
    run.m1 = (manual.body as StartRunResponse).runId;
    await awaitRun(harness.temporal, run.m1);
    // Visibility is eventually consistent: wait until Temporal lists every closed run.
    await waitFor('visibility to list the 7 closed runs', async () =>
      (await ids('status=succeeded,failed,running')).length === 7 ? true : undefined,
    );
  });

  test('status, flow, version and trigger filters list exactly the matching runs', async () => {
    assert.deepEqual(await ids('status=failed'), sorted([run.b1, run.b2].map(String)));
    assert.deepEqual(
      await ids(`status=succeeded&flowId=${orders.id}`),
      sorted([run.o1, run.o2, run.o3, run.o4, run.m1].map(String)),
    );
    assert.deepEqual(await ids(`flowId=${orders.id}&version=1`), sorted([run.o1, run.o2, run.o3].map(String)));
    assert.deepEqual(await ids(`flowId=${orders.id}&version=2&trigger=webhook`), [run.o4]);
    assert.deepEqual(await ids('trigger=manual'), [run.m1]);
    assert.deepEqual(await ids('status=cancelled,timed_out,terminated'), []);
    const failed = (await allPages('status=failed')).items;
    assert.ok(failed.every((item) => item.status === 'failed' && item.flowName === 'Broken' && item.endedAt !== null));
  });

  test('searchable fields find runs by business key, several keys all matching, hostile values literally', async () => {
    assert.deepEqual(await ids('key=orderId%3Do2'), [run.o2]);
    assert.deepEqual(await ids(`key=${encodeURIComponent(`orderId=${HOSTILE_ORDER}`)}`), [run.o3]);
    assert.deepEqual(await ids('key=region%3Deu'), sorted([run.o1, run.o3, run.o4].map(String)));
    assert.deepEqual(await ids('key=region%3Deu&key=orderId%3Do1'), [run.o1]);
    assert.deepEqual(await ids('key=region%3Dus&key=orderId%3Do1'), []);
    // Quote-breaking values match nothing instead of widening the query.
    assert.deepEqual(await ids(`key=${encodeURIComponent('orderId=x" OR WorkspaceId != "')}`), []);
    assert.deepEqual(await ids(`key=${encodeURIComponent("orderId=x' OR 1=1 OR RunKeys='")}`), []);
    // The manual run's payload carries the key too: keys are set by the run itself, however it started.
    assert.deepEqual(await ids('key=orderId%3Dm1'), [run.m1]);
  });

  test('a time range bounds the start time, inclusive', async () => {
    const all = (await allPages('status=succeeded,failed')).items;
    const starts = all.map((item) => item.startedAt).sort();
    const first = starts[0] ?? '';
    const last = starts.at(-1) ?? '';
    assert.equal((await ids(`from=${first}&to=${last}`)).length, 7);
    assert.deepEqual(await ids(`from=${encodeURIComponent(new Date(Date.parse(last) + 1).toISOString())}`), []);
    const b1Start = all.find((item) => item.id === run.b1)?.startedAt ?? '';
    assert.deepEqual(await ids(`from=${b1Start}&to=${b1Start}`), [run.b1]);
  });

  test('pages chain through the cursor without repeats or gaps, filtered and unfiltered', async () => {
    const filtered = await allPages('status=succeeded,failed&limit=2');
    assert.equal(filtered.pages, 4);
    assert.deepEqual(sorted(filtered.ids), sorted(Object.values(run)));
    const unfiltered = await allPages('limit=3');
    assert.deepEqual(unfiltered.ids.length, 7);
    assert.deepEqual(sorted(unfiltered.ids), sorted(Object.values(run)));
    const times = unfiltered.items.map((item) => item.startedAt);
    assert.deepEqual(times, [...times].sort().reverse(), 'the index lists newest first');
    const flowOnly = await allPages(`flowId=${broken.id}&limit=1`);
    assert.deepEqual(flowOnly.ids, [run.b2, run.b1]);
  });

  test('hostile or malformed filters are refused with 400 naming the field', async () => {
    const refused = async (query: string, field: string) => {
      const response = await api().get(`/api/runs?${query}`).expect(400);
      assert.match(response.body.error.message, new RegExp(`^${field}`), `${query} → ${response.body.error.message}`);
    };
    await refused(`flowId=${encodeURIComponent('x" OR FlowId != "')}`, 'flowId');
    await refused('status=running,bogus', 'status');
    await refused('trigger=cron', 'trigger');
    await refused('version=-1', 'version');
    await refused('from=yesterday', 'from');
    await refused('key=orderId', 'key');
    await refused(`key=${encodeURIComponent('order id=1')}`, 'key');
    await refused(Array.from({ length: 6 }, (_, index) => `key=k${index}%3D1`).join('&'), 'key');
    await refused('cursor=garbage', 'cursor');
    const page = (await api().get('/api/runs?status=succeeded,failed&limit=1').expect(200)).body as RunsPage;
    assert.ok(page.nextCursor);
    await refused(`status=failed&limit=1&cursor=${encodeURIComponent(page.nextCursor)}`, 'cursor');
    await refused(`limit=1&cursor=${encodeURIComponent(page.nextCursor)}`, 'cursor');
  });

  test('queued runs lead the first page when the status filter admits them, matched by their keys too', async () => {
    const queuedId = 'run_queuedfilterprobe';
    const plan = { searchable: SEARCHABLE, flowId: orders.id, version: 2 };
    await new RunsRepository(harness.db).enqueue({
      _id: queuedId,
      workspaceId: harness.admin.workspaceId,
      flowId: orders.id,
      flowName: 'Orders',
      version: 2,
      trigger: 'webhook',
      startedAt: new Date(),
      queued: true,
      // Never started (no sweep in tests): only what listing reads of it.
      pendingStartJson: JSON.stringify({ plan, trigger: { body: { orderId: 'q1' } } }),
    });
    try {
      const first = (await api().get('/api/runs?status=queued,succeeded&key=orderId%3Dq1').expect(200))
        .body as RunsPage;
      assert.deepEqual(
        first.items.map((item) => [item.id, item.status]),
        [[queuedId, 'queued']],
      );
      assert.deepEqual(await ids('status=queued'), [queuedId]);
      assert.deepEqual(await ids('status=succeeded&key=orderId%3Dq1'), [], 'not on Temporal: not among succeeded');
      assert.deepEqual(await ids('status=queued&key=orderId%3Do1'), []);
      const unfiltered = (await api().get('/api/runs?limit=2').expect(200)).body as RunsPage;
      assert.equal(unfiltered.items[0]?.id, queuedId);
      for (const limit of [1, 2]) {
        // limit=1: the queued run fills the first page; the next starts at the index's newest run.
        const everything = await allPages(`limit=${limit}`);
        assert.deepEqual(sorted(everything.ids), sorted([queuedId, ...Object.values(run)]));
        assert.equal(everything.ids[0], queuedId);
      }
    } finally {
      await harness.db.collection('run_queue').deleteOne({ _id: queuedId as never });
    }
  });
});
