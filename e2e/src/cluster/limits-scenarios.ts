import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { waitFor } from '@pipewright/devstack';
import { ADMIN, type ClusterProduct, publishFlow, type Via } from './cluster-harness.ts';
import { type EchoRequest, type RecordingEcho, startRecordingEcho } from './recording-echo.ts';

const CLOSED = ['succeeded', 'failed', 'cancelled', 'terminated', 'timed_out'];
/** A timer may fire a loop turn early (libuv's cached clock) and waits are rounded to whole ms. */
const TIMER_SLACK_MS = 100;

/** A webhook whose one step POSTs the delivery's `n` to `url`; `settings` are the flow's. */
const callingFlow = (url: string, settings: object = {}) => ({
  schemaVersion: 1,
  settings,
  nodes: [
    { id: 'hook', type: 'core.webhook', typeVersion: 1, position: { x: 0, y: 0 }, config: { method: 'POST' } },
    {
      id: 'call',
      type: 'http.request',
      typeVersion: 1,
      position: { x: 260, y: 0 },
      config: { method: 'POST', url, body: { n: '{{ trigger.body.n }}' } },
    },
  ],
  edges: [{ id: 'e1', source: 'hook', target: 'call' }],
});

/** Sends `count` webhook deliveries at once, alternating between the two servers; their run ids. */
function deliverAtOnce(product: ClusterProduct, webhookPath: string, count: number): Promise<string[]> {
  return Promise.all(
    Array.from({ length: count }, async (_, n) => {
      const response = await fetch(`${product.urlOf(n % 2)}${webhookPath}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ n }),
      });
      assert.equal(response.status, 202, `server ${n % 2} accepted delivery ${n}`);
      return ((await response.json()) as { runId: string }).runId;
    }),
  );
}

/** Each run's status once all of them closed. */
function closedStatuses(product: ClusterProduct, runIds: string[]): Promise<string[]> {
  return Promise.all(
    runIds.map((runId) =>
      waitFor(
        `run ${runId} to close`,
        async () => {
          const { status } = await product.json<{ status: string }>(`/api/runs/${runId}`);
          return CLOSED.includes(status) ? status : undefined;
        },
        { timeoutMs: 60_000, intervalMs: 200 },
      ),
    ),
  );
}

/**
 * The admin's API in a new workspace of theirs: its rate limits are read fresh by every worker (a workspace's limits
 * are cached for a few seconds once read), and stay out of the other scenarios' workspace.
 */
async function ownWorkspace(product: ClusterProduct, name: string): Promise<ClusterProduct> {
  const login = await fetch(`${product.urlOf()}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ADMIN),
  });
  assert.equal(login.status, 200, `signing in answered ${login.status}`);
  const session = {
    cookie: (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '',
    'x-requested-with': 'pipewright',
  };
  const { items } = await product.json<{ items: { id: string; current: boolean }[] }>('/api/workspaces', {
    headers: session,
  });
  const previous = items.find((workspace) => workspace.current)?.id;
  assert.ok(previous, 'the admin is in a workspace');
  const created = await product.json<{ id: string }>('/api/workspaces', {
    method: 'POST',
    headers: session,
    body: JSON.stringify({ name }),
    status: 201,
  });
  const switchTo = (workspaceId: string) =>
    product.json('/api/session/workspace', {
      method: 'POST',
      headers: session,
      body: JSON.stringify({ workspaceId }),
    });
  await switchTo(created.id);
  const { token } = await product.json<{ token: string }>('/api/tokens', {
    method: 'POST',
    headers: session,
    body: JSON.stringify({ name }),
    status: 201,
  });
  // The admin's next sign-in lands where it did before; the token outlives this session.
  await switchTo(previous);
  await product.json('/api/auth/logout', { method: 'POST', headers: session, status: 204 });
  const withToken = <I extends RequestInit>(init: I): I => {
    const headers = new Headers(init.headers);
    headers.set('authorization', `Bearer ${token}`);
    return { ...init, headers };
  };
  return {
    ...product,
    token,
    api: (path, init = {}, via) => product.api(path, withToken(init), via),
    json<T>(path: string, init: RequestInit & { status?: number; via?: Via } = {}): Promise<T> {
      return product.json<T>(path, withToken(init));
    },
  };
}

/** The marker Temporal's SDK records for a local activity's result (patches record markers too). */
const LOCAL_ACTIVITY_MARKER = 'core_local_activity';

const timeOf = (event: { eventTime?: { seconds?: unknown; nanos?: number | null } | null }): number =>
  Number(String(event.eventTime?.seconds)) * 1000 + (event.eventTime?.nanos ?? 0) / 1e6;

/**
 * From these runs' Temporal histories: when the first of them began (its first workflow task; no step of theirs can
 * have called before), and the worker that ran each step attempt.  A first attempt runs as a local activity in the
 * workflow task of the worker whose completion records its marker; a retry is an activity with its own identity.
 */
async function stepWorkers(product: ClusterProduct, runIds: string[]): Promise<{ since: number; workers: string[] }> {
  let since = Number.POSITIVE_INFINITY;
  const workers: string[] = [];
  for (const runId of runIds) {
    const { events } = await product.temporal.workflow.getHandle(runId).fetchHistory();
    let completedBy = '';
    for (const event of events ?? []) {
      if (event.workflowTaskStartedEventAttributes) since = Math.min(since, timeOf(event));
      if (event.workflowTaskCompletedEventAttributes)
        completedBy = event.workflowTaskCompletedEventAttributes.identity ?? '';
      if (event.markerRecordedEventAttributes?.markerName === LOCAL_ACTIVITY_MARKER) workers.push(completedBy);
      if (event.activityTaskStartedEventAttributes)
        workers.push(event.activityTaskStartedEventAttributes.identity ?? '');
    }
  }
  return { since, workers };
}

export function limitsScenarios(product: () => ClusterProduct): void {
  describe('limits shared by all workers', () => {
    let echo: RecordingEcho;
    /** Holds each call a moment, so runs that ran at once would overlap here. */
    let holding: RecordingEcho;
    before(async () => {
      echo = await startRecordingEcho();
      holding = await startRecordingEcho({ holdMs: 250 });
    });
    after(async () => {
      await echo?.close();
      await holding?.close();
    });

    test('a workspace’s http limit of 2 calls a second holds for both workers together', async (t) => {
      const workspace = await ownWorkspace(product(), 'Rate limited');
      await workspace.json('/api/rate-limits', {
        method: 'PUT',
        body: JSON.stringify({ limits: { http: { count: 2, per: 's' } } }),
      });
      const flow = await publishFlow(workspace, 'Limited calls', callingFlow(`${echo.url}/limited`));
      const runIds = await deliverAtOnce(workspace, flow.webhookPath, 8);
      const statuses = await closedStatuses(workspace, runIds);
      assert.deepEqual(
        statuses,
        runIds.map(() => 'succeeded'),
      );

      const { since, workers } = await stepWorkers(workspace, runIds);
      t.diagnostic(`step attempts by worker (Temporal identity, pid@host): ${workers.join(', ')}`);
      assert.equal(workers.length, runIds.length, 'one attempt a step');
      // The cluster's Temporal server has no other workers than its two: two identities are both of them.
      assert.equal(new Set(workers).size, 2, 'both workers ran some of the steps');

      // The first window opens no earlier than the first run began.  Counted per worker, each worker could pass
      // two calls in it (four at once); shared, the first window passes two of the eight, the next two ≥ 1 s later…
      const arrivals = echo.requests
        .filter((request: EchoRequest) => request.path === '/limited')
        .map((request) => request.at - since)
        .sort((x, y) => x - y);
      t.diagnostic(`arrivals after the first run began (ms): ${arrivals.map(Math.round).join(', ')}`);
      assert.equal(arrivals.length, runIds.length, 'each run called once');
      for (const [index, at] of arrivals.entries()) {
        const earliest = Math.floor(index / 2) * 1000;
        assert.ok(at >= earliest - TIMER_SLACK_MS, `call ${index + 1} of 8 arrived after ${Math.round(at)} ms`);
      }
    });

    test('a flow limited to 1 run at once, started through both servers, never runs two at once', async () => {
      const flow = await publishFlow(
        product(),
        'One at a time',
        callingFlow(`${holding.url}/one`, { maxConcurrentRuns: 1 }),
      );
      const runIds = await deliverAtOnce(product(), flow.webhookPath, 6);
      const statuses = await closedStatuses(product(), runIds);
      assert.deepEqual(
        statuses,
        runIds.map(() => 'succeeded'),
      );
      const calls = holding.requests.filter((request) => request.path === '/one');
      assert.equal(calls.length, runIds.length, 'each run made its call');
      assert.equal(holding.mostOpen(), 1, 'no call started while another was held');
    });
  });
}
