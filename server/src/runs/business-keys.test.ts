import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { FlowDetail, RunDetail, StartRunResponse } from '@pipewright/api-contract';
import { type Harness, startHarness, waitFor, within } from '../test-support.ts';
import { keyCoordinatorOf } from './business-keys.ts';

/** One call the flow's HTTP step made: for which key and event, and when it began and ended (server clock). */
interface Call {
  key: string;
  seq: number;
  startedAt: number;
  endedAt?: number;
}

/**
 * The flows' HTTP target: records each call per key and counts calls in flight per key.  `hold` keeps the answer to
 * a key's calls back until `release` (the drop test needs a run that is certainly still running).
 */
class RecordingTarget {
  readonly calls: Call[] = [];
  readonly #inFlight = new Map<string, number>();
  maxInFlightPerKey = 0;
  maxInFlight = 0;
  readonly #held = new Map<string, (() => void)[]>();
  readonly #holding = new Set<string>();
  readonly #arrivalWaiters: { key: string; resolve: () => void }[] = [];
  readonly #server: Server;
  url = '';

  constructor() {
    this.#server = createServer((request: IncomingMessage, response: ServerResponse) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => this.#handle(JSON.parse(Buffer.concat(chunks).toString('utf8')), response));
    });
  }

  #handle(body: { key: string; seq: string }, response: ServerResponse): void {
    const call: Call = { key: body.key, seq: Number(body.seq), startedAt: performance.now() };
    this.calls.push(call);
    const inFlight = (this.#inFlight.get(call.key) ?? 0) + 1;
    this.#inFlight.set(call.key, inFlight);
    this.maxInFlightPerKey = Math.max(this.maxInFlightPerKey, inFlight);
    this.maxInFlight = Math.max(
      this.maxInFlight,
      [...this.#inFlight.values()].reduce((a, b) => a + b, 0),
    );
    for (const waiter of this.#arrivalWaiters.filter((w) => w.key === call.key)) waiter.resolve();
    const answer = () => {
      call.endedAt = performance.now();
      this.#inFlight.set(call.key, (this.#inFlight.get(call.key) ?? 1) - 1);
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ ok: true }));
    };
    // Some work per call, so calls of one key would overlap if two runs of it were active at once.
    if (this.#holding.has(call.key)) this.#held.set(call.key, [...(this.#held.get(call.key) ?? []), answer]);
    else setTimeout(answer, 15);
  }

  hold(key: string): void {
    this.#holding.add(key);
  }

  release(key: string): void {
    this.#holding.delete(key);
    for (const answer of this.#held.get(key) ?? []) answer();
    this.#held.delete(key);
  }

  /** Resolves when a call for `key` arrives. */
  arrival(key: string): Promise<void> {
    return new Promise((resolve) => this.#arrivalWaiters.push({ key, resolve }));
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/call`;
  }

  async stop(): Promise<void> {
    this.release('*');
    for (const key of [...this.#held.keys()]) this.release(key);
    this.#server.closeAllConnections();
    await new Promise((resolve) => this.#server.close(resolve));
  }
}

let harness: Harness;
const target = new RecordingTarget();
before(async () => {
  await target.start();
  // The deployed server sweeps its run queue: a hand-over that missed its deadline on a loaded machine is tried again.
  harness = await startHarness({ worker: true, sweepQueuedRuns: true });
});
after(async () => {
  await harness?.stop();
  await target.stop();
});

const api = () => harness.api();

interface KeyedDocument {
  schemaVersion: 1;
  settings: { businessKey: unknown };
  nodes: { id: string; type: string; typeVersion: number; position: { x: number; y: number }; config: object }[];
  edges: { id: string; source: string; target: string }[];
}

function keyedDocument(url: string, businessKey: unknown): KeyedDocument {
  return {
    schemaVersion: 1,
    settings: { businessKey },
    nodes: [
      { id: 'hook', type: 'core.webhook', typeVersion: 1, position: { x: 0, y: 0 }, config: { method: 'POST' } },
      {
        id: 'call',
        type: 'http.request',
        typeVersion: 1,
        position: { x: 200, y: 0 },
        config: { method: 'POST', url, body: { key: '{{ trigger.body.orderId }}', seq: '{{ trigger.body.seq }}' } },
      },
    ],
    edges: [{ id: 'e1', source: 'hook', target: 'call' }],
  };
}

async function publishKeyed(name: string, whenRunning: string): Promise<FlowDetail> {
  const document = keyedDocument(target.url, { expression: '{{ trigger.body.orderId }}', whenRunning });
  const flow = (await api().post('/api/flows').send({ name, document }).expect(201)).body as FlowDetail;
  await api().post(`/api/flows/${flow.id}/publish`).expect(201);
  return flow;
}

async function send(flow: FlowDetail, orderId: string, seq: number): Promise<string> {
  const response = await api().post(flow.webhookPath).send({ orderId, seq }).expect(202);
  return (response.body as StartRunResponse).runId;
}

const runDetail = async (runId: string) => (await api().get(`/api/runs/${runId}`).expect(200)).body as RunDetail;

const CLOSED = ['succeeded', 'failed', 'cancelled', 'terminated', 'timed_out'];

/** The run once it has ended (a keyed run may wait in its key's line first). */
function ended(runId: string, timeoutMs = 200_000): Promise<RunDetail> {
  return waitFor(
    `run ${runId} to end`,
    async () => {
      const run = await runDetail(runId);
      // `stuck` passes too: a workflow task lost to a loaded machine is tried again.
      return CLOSED.includes(run.status) ? run : undefined;
    },
    { timeoutMs, intervalMs: 100 },
  );
}

describe('one active run per business key', () => {
  test('100 concurrent events over 5 keys (queue): one run per key at a time, in the order they were accepted', async () => {
    const flow = await publishKeyed('Orders in line', 'queue');
    const keys = ['k1', 'k2', 'k3', 'k4', 'k5'];
    const events = Array.from({ length: 100 }, (_, seq) => ({ orderId: keys[seq % keys.length] ?? 'k1', seq }));
    const runIds = await Promise.all(events.map((event) => send(flow, event.orderId, event.seq)));
    const runs = await Promise.all(runIds.map((runId) => ended(runId))).catch(async (error: unknown) => {
      const statuses = await Promise.all(runIds.map(async (runId) => `${runId}:${(await runDetail(runId)).status}`));
      const made = new Set(target.calls.map((call) => call.seq)).size;
      const notHandedOver = await harness.db.collection('run_queue').countDocuments({});
      throw new Error(
        `${String(error)}; calls made for ${made} events; ${notHandedOver} not handed over; ${statuses.filter((s) => !s.endsWith('succeeded')).join(' ')}; server log: ${harness.logs.join(' | ')}`,
      );
    });
    assert.deepEqual(
      runs.map((run) => run.status),
      runs.map(() => 'succeeded'),
      'every event ran, and succeeded',
    );
    // Every event's call was made; a call may be made twice (a step's attempt is at-least-once: a worker that loses its
    // workflow task under load makes it again), never by two runs of one key at once.
    assert.equal(new Set(target.calls.map((call) => call.seq)).size, 100, 'every event made its call');
    assert.equal(target.maxInFlightPerKey, 1, 'never two calls of one key at once');
    assert.ok(target.maxInFlight > 1, `keys do not wait for each other (at most ${target.maxInFlight} in flight)`);

    const acceptedAt = new Map(runs.map((run, seq) => [seq, Date.parse(run.startedAt)]));
    for (const key of keys) {
      const calls = target.calls.filter((call) => call.key === key);
      assert.equal(new Set(calls.map((call) => call.seq)).size, 20);
      calls.slice(1).forEach((call, index) => {
        const previous = calls[index];
        assert.ok(previous?.endedAt !== undefined && previous.endedAt <= call.startedAt, `${key}: runs do not overlap`);
        // Accepted (the run's startedAt) no later than the next: the arrival order, to the millisecond.
        const order = calls.map((c) => `${c.seq}@${acceptedAt.get(c.seq)}`).join(' ');
        assert.ok(
          (acceptedAt.get(previous.seq) ?? 0) <= (acceptedAt.get(call.seq) ?? 0),
          `${key}: run ${call.seq} ran after ${previous.seq}, accepted earlier: ${order}`,
        );
      });
    }
  });

  test('drop: an event for a key whose run is active is dropped, shown with the reason; later events run', async () => {
    const flow = await publishKeyed('Orders dropped', 'drop');
    target.hold('d1');
    const arrived = target.arrival('d1');
    const first = await send(flow, 'd1', 1);
    await within('the first run of d1 to make its call', arrived);
    const second = await send(flow, 'd1', 2);
    const other = await send(flow, 'd2', 3);

    const dropped = await ended(second);
    assert.equal(dropped.status, 'failed');
    assert.match(dropped.error?.message ?? '', new RegExp(`^Dropped: run ${first} of the same business key`));
    assert.equal(dropped.nodes.call?.status, 'skipped', 'the dropped event ran no step');
    assert.equal((await ended(other)).status, 'succeeded', 'another key is not held back');

    target.release('d1');
    assert.equal((await ended(first)).status, 'succeeded');
    // Temporal tells the coordinator that its run closed a moment after the run shows as ended; an event in between
    // would still find the key busy (docs/adr/014).  Once the coordinator has heard it, it has nothing left and ends.
    const coordinator = await keyCoordinatorOf(
      harness.admin.workspaceId,
      { flowId: flow.id, businessKey: { expression: '{{ trigger.body.orderId }}', whenRunning: 'drop' } },
      { body: { orderId: 'd1' } },
    );
    assert.ok(coordinator !== undefined);
    await within('the key coordinator to end', harness.temporal.workflow.getHandle(coordinator).result());
    const third = await send(flow, 'd1', 4);
    assert.equal((await ended(third)).status, 'succeeded', 'once the run ended, the next event runs');
    const seqs = target.calls.filter((call) => call.key === 'd1').map((call) => call.seq);
    assert.deepEqual(seqs, [1, 4]);
  });

  test('signal: an event for a key whose run waits for an event is delivered to that run, and names it', async () => {
    const document = keyedDocument(target.url, { expression: '{{ trigger.body.orderId }}', whenRunning: 'signal' });
    document.nodes.splice(1, 0, {
      id: 'more',
      type: 'core.wait',
      typeVersion: 1,
      position: { x: 100, y: 0 },
      config: { mode: 'event', eventName: 'more', timeoutSeconds: 3600 },
    });
    document.edges = [
      { id: 'e1', source: 'hook', target: 'more' },
      { id: 'e2', source: 'more', target: 'call' },
    ];
    const flow = (await api().post('/api/flows').send({ name: 'Orders joined', document }).expect(201))
      .body as FlowDetail;
    await api().post(`/api/flows/${flow.id}/publish`).expect(201);

    const first = await send(flow, 's1', 1);
    await waitFor('the first run to wait for its event', async () =>
      (await runDetail(first)).nodes.more?.status === 'waiting' ? true : undefined,
    );
    const second = await send(flow, 's1', 2);
    const joined = await ended(second);
    assert.equal(joined.status, 'succeeded');
    assert.match(JSON.stringify(joined.nodes.hook?.output), new RegExp(`"joinedRun":"${first}"`));
    assert.equal(joined.nodes.call?.status, 'skipped', 'the joined event ran no step of its own');
    const woken = await ended(first);
    assert.equal(woken.status, 'succeeded');
    assert.match(JSON.stringify(woken.nodes.more?.output), /"seq":2/, 'the wait took the second event');
  });

  test('bad settings: an unknown mode is a 400 naming the field; a bad expression fails publish naming it', async () => {
    const badMode = keyedDocument(target.url, { expression: '{{ trigger.body.orderId }}', whenRunning: 'later' });
    const refused = await api().post('/api/flows').send({ name: 'Bad mode', document: badMode }).expect(400);
    assert.match(refused.body.error.message, /settings\.businessKey\.whenRunning/);

    const badExpression = keyedDocument(target.url, { expression: '{{ steps.call.body.id }}', whenRunning: 'queue' });
    const flow = (await api().post('/api/flows').send({ name: 'Bad key', document: badExpression }).expect(201))
      .body as FlowDetail;
    const publish = await api().post(`/api/flows/${flow.id}/publish`).expect(422);
    const errors = publish.body.error.compileErrors as { code: string; field: string; message: string }[];
    assert.deepEqual(
      errors.map((error) => [error.code, error.field]),
      [['invalid_business_key', 'settings.businessKey.expression']],
    );
    assert.match(errors[0]?.message ?? '', /may read only the trigger/);
  });
});
