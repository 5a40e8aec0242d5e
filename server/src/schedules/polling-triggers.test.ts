import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { FlowDetail, RunDetail, RunSummary } from '@pipewright/api-contract';
import { ScheduleNotFoundError } from '@temporalio/client';
import { type Harness, startHarness, TargetServer, type TestDocument, waitFor } from '../test-support.ts';

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

function pollDocument(url: string): TestDocument {
  return {
    schemaVersion: 1,
    nodes: [
      {
        id: 'feed',
        type: 'http.poll',
        typeVersion: 1,
        position: { x: 0, y: 0 },
        config: { url, idField: 'id', intervalSeconds: 1 },
      },
      {
        id: 'shape',
        type: 'core.transform',
        typeVersion: 1,
        position: { x: 200, y: 0 },
        config: { fields: [{ name: 'title', value: '{{ trigger.title }}' }] },
      },
    ],
    edges: [{ id: 'e1', source: 'feed', target: 'shape' }],
  };
}

async function pollRuns(flowId: string): Promise<RunSummary[]> {
  const { items } = (await api().get(`/api/runs?flowId=${flowId}&limit=50`).expect(200)).body as {
    items: RunSummary[];
  };
  return items;
}

test('publishing an http.poll flow polls on a schedule and starts one run per new item, listed as "poll"', async () => {
  const url = target.script('/feed', [
    {
      status: 200,
      body: [
        { id: 'a', title: 'A' },
        { id: 'b', title: 'B' },
      ],
    },
    {
      status: 200,
      body: [
        { id: 'a', title: 'A' },
        { id: 'b', title: 'B' },
        { id: 'c', title: 'C' },
      ],
    },
  ]);
  const feedGets = () => target.requests.filter((request) => request.path === '/feed').length;
  const document = pollDocument(url);
  const flow = (await api().post('/api/flows').send({ name: 'Feed', document }).expect(201)).body as FlowDetail;
  await api().post(`/api/flows/${flow.id}/publish`).expect(201);
  const schedule = await harness.temporal.schedule.getHandle(`poll_${flow.id}`).describe();
  assert.equal(schedule.policies.overlap, 'SKIP');

  let runs: RunSummary[] = [];
  await waitFor(
    () => `3 poll runs of ${flow.id} (have ${runs.length})`,
    async () => {
      runs = await pollRuns(flow.id);
      return runs.length >= 3 ? true : undefined;
    },
    { timeoutMs: 30_000, intervalMs: 200 },
  );
  // Two more polls see a, b and c again and start nothing.
  const seenGets = feedGets();
  await waitFor(
    `the feed of ${flow.id} to be polled twice more`,
    () => (feedGets() >= seenGets + 2 ? true : undefined),
    {
      timeoutMs: 30_000,
      intervalMs: 200,
    },
  );
  runs = await pollRuns(flow.id);
  assert.equal(runs.length, 3);
  assert.ok(runs.every((run) => run.trigger === 'poll' && run.version === 1));
  const titles: unknown[] = [];
  for (const run of runs) {
    await harness.temporal.workflow.getHandle(run.id).result();
    const detail = (await api().get(`/api/runs/${run.id}`).expect(200)).body as RunDetail;
    titles.push((detail.nodes.shape?.output as { title?: unknown } | undefined)?.title);
  }
  assert.deepEqual(titles.sort(), ['A', 'B', 'C']);

  await api().delete(`/api/flows/${flow.id}`).expect(204);
  await assert.rejects(
    harness.temporal.schedule.getHandle(`poll_${flow.id}`).describe(),
    (error) => error instanceof ScheduleNotFoundError,
  );
});
