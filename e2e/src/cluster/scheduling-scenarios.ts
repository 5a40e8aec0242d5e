import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { waitFor } from '@pipewright/devstack';
import { type ClusterProduct, publishFlow } from './cluster-harness.ts';
import { type EchoRequest, type RecordingEcho, startRecordingEcho } from './recording-echo.ts';

interface RunSummary {
  id: string;
  status: string;
}

const CLOSED = ['succeeded', 'failed', 'cancelled', 'terminated', 'timed_out'];
/** The shortest interval a Schedule or Poll HTTP trigger takes (their `intervalSeconds` is at least 1). */
const INTERVAL_MS = 1_000;

/** A schedule every second whose step reports the fire time it was started for. */
const scheduleFlow = (url: string) => ({
  schemaVersion: 1,
  nodes: [
    {
      id: 'tick',
      type: 'core.schedule',
      typeVersion: 1,
      position: { x: 0, y: 0 },
      config: { mode: 'interval', intervalSeconds: INTERVAL_MS / 1000 },
    },
    {
      id: 'report',
      type: 'http.request',
      typeVersion: 1,
      position: { x: 260, y: 0 },
      config: { method: 'POST', url, body: { scheduledAt: '{{ trigger.scheduledAt }}' } },
    },
  ],
  edges: [{ id: 'e1', source: 'tick', target: 'report' }],
});

/** Polls `feedUrl` every second; each new item's run reports the item's id to `reportUrl`. */
const pollFlow = (feedUrl: string, reportUrl: string) => ({
  schemaVersion: 1,
  nodes: [
    {
      id: 'feed',
      type: 'http.poll',
      typeVersion: 1,
      position: { x: 0, y: 0 },
      config: { url: feedUrl, idField: 'id', intervalSeconds: INTERVAL_MS / 1000 },
    },
    {
      id: 'report',
      type: 'http.request',
      typeVersion: 1,
      position: { x: 260, y: 0 },
      config: { method: 'POST', url: reportUrl, body: { item: '{{ trigger.id }}' } },
    },
  ],
  edges: [{ id: 'e1', source: 'feed', target: 'report' }],
});

const bodyField = (request: EchoRequest, field: string): unknown =>
  typeof request.body === 'object' && request.body !== null ? Reflect.get(request.body, field) : undefined;

/** Every run of the flow, once at least `count` are listed and all of them closed. */
async function closedRuns(product: ClusterProduct, flowId: string, count: number): Promise<RunSummary[]> {
  let seen: RunSummary[] = [];
  return waitFor(
    () => `${count} runs of ${flowId} to close (listed: ${seen.map((run) => run.status).join(', ')})`,
    async () => {
      seen = (await product.json<{ items: RunSummary[] }>(`/api/runs?flowId=${flowId}&limit=50`)).items;
      return seen.length >= count && seen.every((run) => CLOSED.includes(run.status)) ? seen : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 200 },
  );
}

export function schedulingScenarios(product: () => ClusterProduct): void {
  describe('schedules and polls with two workers', () => {
    /** The feed the polling flow reads; the test adds items to it. */
    const feed: { id: string }[] = [];
    let echo: RecordingEcho;
    before(async () => {
      echo = await startRecordingEcho({ answer: (request) => (request.path === '/feed' ? feed : { ok: true }) });
    });
    after(async () => {
      await echo?.close();
    });

    test('a schedule every second starts one run a tick, not one a worker', async () => {
      const flow = await publishFlow(product(), 'Cluster schedule', scheduleFlow(`${echo.url}/tick`));
      const isTick = (request: EchoRequest) => request.path === '/tick';
      await echo.received('four ticks of the schedule', isTick, 4);
      await product().json(`/api/flows/${flow.id}/schedule/pause`, { method: 'POST' });
      // Paused, the schedule's count of runs it started is final: wait until all of them are listed, closed.
      const { info } = await product().temporal.schedule.getHandle(`flow_${flow.id}`).describe();
      const runs = await closedRuns(product(), flow.id, info.numActionsTaken);

      assert.equal(runs.length, info.numActionsTaken, 'every run the schedule started is listed, and no other');
      assert.ok(
        runs.every((run) => run.status === 'succeeded'),
        `all succeeded: ${runs.map((run) => run.status).join(', ')}`,
      );
      // Each run's id names its fire time (`run_<flowId>_schedule-<time>`); each run reported that time once.
      const firedAt = runs.map((run) => Date.parse(run.id.slice(run.id.lastIndexOf('_schedule-') + 10))).sort();
      const reported = echo.requests
        .filter(isTick)
        .map((request) => Date.parse(String(bodyField(request, 'scheduledAt'))))
        .sort();
      assert.deepEqual(reported, firedAt, 'one call a fire time, from the one run of that tick');
      assert.equal(new Set(firedAt).size, firedAt.length, 'no tick started two runs');
    });

    test('an http.poll flow polls once a second with two workers and starts one run for each new item', async (t) => {
      const isFeedGet = (request: EchoRequest) => request.path === '/feed';
      const reportOf = (item: string) => (request: EchoRequest) =>
        request.path === '/item' && bodyField(request, 'item') === item;
      const items = ['item-1', 'item-2', 'item-3'];
      feed.push({ id: 'item-1' });
      const flow = await publishFlow(product(), 'Cluster poll', pollFlow(`${echo.url}/feed`, `${echo.url}/item`));
      for (const item of items) {
        if (!feed.some((entry) => entry.id === item)) feed.push({ id: item });
        await echo.received(`the run of ${item}`, reportOf(item), 1);
      }
      // A few polls more, each of which would start an item's run again if a second poller or a lost cursor forgot it.
      await echo.received('three polls after the last item', isFeedGet, echo.requests.filter(isFeedGet).length + 3);
      await product().json(`/api/flows/${flow.id}/pause`, { method: 'POST', body: JSON.stringify({ mode: 'reject' }) });
      const runs = await closedRuns(product(), flow.id, items.length);

      assert.equal(runs.length, items.length, `one run an item: ${runs.map((run) => run.id).join(', ')}`);
      assert.ok(runs.every((run) => run.status === 'succeeded'));
      for (const item of items) {
        assert.equal(echo.requests.filter(reportOf(item)).length, 1, `${item} was reported by one run, once`);
      }
      // One poller: one Schedule starts the polls, one at a time (overlap SKIP), each at or after its own tick and
      // done before the next one starts, so a span of S ms holds fewer than S / interval + 2 of them (one more allowed
      // for a tick Temporal fires late, right after the previous poll).  Two pollers would make about twice as many.
      // The first poll (on publish, off the ticks' grid) is left out.
      const polls = echo.requests
        .filter(isFeedGet)
        .slice(1)
        .map((request) => request.at);
      const span = (polls.at(-1) ?? 0) - (polls[0] ?? 0);
      t.diagnostic(
        `polls after the first (ms from the first of them): ${polls.map((at) => at - (polls[0] ?? 0)).join(', ')}`,
      );
      assert.ok(polls.length < span / INTERVAL_MS + 3, `${polls.length} polls in ${span} ms`);
    });
  });
}
