import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { FlowDetail, RunDetail, RunsPage, StartRunResponse } from '@pipewright/api-contract';
import { flowCoordinatorWorkflowId, KEYED_RUN_SIGNAL_NAME } from '@pipewright/run-contract';
import { type Harness, startHarness, waitFor } from '../test-support.ts';
import { keyCoordinatorOf } from './business-keys.ts';

/**
 * The flow's HTTP target: holds every request until the test releases it (or, once told, answers each at once), and
 * counts the requests open at the same time.
 */
class HoldingTarget {
  open = 0;
  mostOpen = 0;
  readonly seqs: number[] = [];
  #holding = true;
  readonly #held: (() => void)[] = [];
  readonly #server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { seq: string };
      this.seqs.push(Number(body.seq));
      this.open += 1;
      this.mostOpen = Math.max(this.mostOpen, this.open);
      const answer = () => {
        this.open -= 1;
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ ok: true }));
      };
      // Answered a little later even when not held, so runs above the limit would overlap here if they ran.
      if (this.#holding) this.#held.push(answer);
      else setTimeout(answer, 20);
    });
  });
  url = '';

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/call`;
  }

  /** Holds every request again (a new test), counting afresh. */
  holdAgain(): void {
    this.#holding = true;
    this.mostOpen = this.open;
    this.seqs.length = 0;
  }

  /** Answers the held requests, and every later one. */
  releaseAll(): void {
    this.#holding = false;
    for (const answer of this.#held.splice(0)) answer();
  }

  async stop(): Promise<void> {
    this.releaseAll();
    this.#server.closeAllConnections();
    await new Promise((resolve) => this.#server.close(resolve));
  }
}

let harness: Harness;
const target = new HoldingTarget();
before(async () => {
  await target.start();
  // As deployed: the server sweeps its run queue (a hand-over that missed its deadline is tried again).
  harness = await startHarness({ worker: true, sweepQueuedRuns: true });
});
after(async () => {
  await harness?.stop();
  await target.stop();
});

const api = () => harness.api();

function limitedDocument(url: string, settings: object) {
  return {
    schemaVersion: 1,
    settings,
    nodes: [
      { id: 'hook', type: 'core.webhook', typeVersion: 1, position: { x: 0, y: 0 }, config: { method: 'POST' } },
      {
        id: 'call',
        type: 'http.request',
        typeVersion: 1,
        position: { x: 200, y: 0 },
        config: { method: 'POST', url, body: { seq: '{{ trigger.body.seq }}' } },
      },
    ],
    edges: [{ id: 'e1', source: 'hook', target: 'call' }],
  };
}

const runDetail = async (runId: string) => (await api().get(`/api/runs/${runId}`).expect(200)).body as RunDetail;
const CLOSED = ['succeeded', 'failed', 'cancelled', 'terminated', 'timed_out'];

describe('at most N runs of a flow at once', () => {
  test('a flow limited to 2: five webhook events, never more than 2 calls open, the rest queued, all succeed', async () => {
    const document = limitedDocument(target.url, { maxConcurrentRuns: 2 });
    const flow = (await api().post('/api/flows').send({ name: 'Two at a time', document }).expect(201))
      .body as FlowDetail;
    await api().post(`/api/flows/${flow.id}/publish`).expect(201);

    const runIds: string[] = [];
    for (let seq = 1; seq <= 5; seq += 1) {
      const response = await api().post(flow.webhookPath).send({ seq }).expect(202);
      runIds.push((response.body as StartRunResponse).runId);
    }
    // Two runs make their call and are held there; the three others wait for a slot.
    await waitFor('two calls to be open', () => (target.open === 2 ? true : undefined));
    const waiting = runIds.filter((_, index) => !target.seqs.includes(index + 1));
    assert.equal(waiting.length, 3);
    const statuses = await Promise.all(runIds.map(async (runId) => (await runDetail(runId)).status));
    assert.deepEqual(
      statuses.filter((status) => status === 'queued'),
      ['queued', 'queued', 'queued'],
      `three wait in line: ${statuses.join(' ')}`,
    );
    for (const runId of waiting) assert.equal((await runDetail(runId)).status, 'queued');
    const listed = (await api().get('/api/runs').query({ flowId: flow.id, limit: 10 }).expect(200)).body as RunsPage;
    assert.deepEqual(
      listed.items.filter((run) => waiting.includes(run.id)).map((run) => run.status),
      ['queued', 'queued', 'queued'],
      'the runs list shows them as queued',
    );
    assert.equal(target.mostOpen, 2, 'a third call never started while two were held');

    target.releaseAll();
    const ended = await Promise.all(
      runIds.map((runId) =>
        waitFor(
          `run ${runId} to end`,
          async () => {
            const run = await runDetail(runId);
            return CLOSED.includes(run.status) ? run : undefined;
          },
          { timeoutMs: 120_000, intervalMs: 100 },
        ),
      ),
    );
    assert.deepEqual(
      ended.map((run) => run.status),
      runIds.map(() => 'succeeded'),
    );
    assert.deepEqual([...new Set(target.seqs)].sort(), [1, 2, 3, 4, 5], 'every event made its call');
    assert.equal(target.mostOpen, 2, 'never more than 2 calls open at once');
  });

  test('a scheduled flow limited to 1: its fires wait in line, never 2 calls open, all succeed with their fire times', async () => {
    target.holdAgain();
    const document = {
      schemaVersion: 1,
      settings: { maxConcurrentRuns: 1 },
      nodes: [
        {
          id: 'tick',
          type: 'core.schedule',
          typeVersion: 1,
          position: { x: 0, y: 0 },
          config: { mode: 'interval', intervalSeconds: 1 },
        },
        {
          id: 'call',
          type: 'http.request',
          typeVersion: 1,
          position: { x: 200, y: 0 },
          config: { method: 'POST', url: target.url, body: { seq: '0' } },
        },
      ],
      edges: [{ id: 'e1', source: 'tick', target: 'call' }],
    };
    const flow = (await api().post('/api/flows').send({ name: 'Scheduled, one at a time', document }).expect(201))
      .body as FlowDetail;
    try {
      await api().post(`/api/flows/${flow.id}/publish`).expect(201);
      const coordinator = harness.temporal.workflow.getHandle(
        flowCoordinatorWorkflowId(harness.admin.workspaceId, flow.id),
      );
      const handedOver = async () => {
        const events = await coordinatorEvents(coordinator);
        return events.filter(
          (event) => event.workflowExecutionSignaledEventAttributes?.signalName === KEYED_RUN_SIGNAL_NAME,
        ).length;
      };
      // The schedule fires every second; the first run's call is held, the later fires wait in the flow's line.
      await waitFor(
        'three fires to be handed to the flow coordinator while one call is held',
        async () => ((await handedOver()) >= 3 && target.open === 1 ? true : undefined),
        { timeoutMs: 60_000, intervalMs: 200 },
      );
      assert.equal(target.mostOpen, 1, 'a second call never started while one was held');
      await api().post(`/api/flows/${flow.id}/schedule/pause`).expect(200);

      target.releaseAll();
      // The coordinator ends once nothing runs and nobody waits: every fire handed to it has run.
      const runs = await waitFor(
        'the coordinator to have run every fire',
        async () => {
          const { status } = await coordinator.describe();
          if (status.name !== 'COMPLETED') return undefined;
          const listed = (await api().get('/api/runs').query({ flowId: flow.id, limit: 50 }).expect(200))
            .body as RunsPage;
          return listed.items.length >= 3 && listed.items.every((run) => run.status === 'succeeded')
            ? listed.items
            : undefined;
        },
        { timeoutMs: 120_000, intervalMs: 200 },
      );
      assert.equal(target.mostOpen, 1, 'never more than 1 call open at once');
      assert.ok(target.seqs.length >= runs.length, 'every listed run made its call');
      for (const listed of runs) {
        assert.equal(listed.trigger, 'schedule');
        assert.equal(listed.flowName, 'Scheduled, one at a time', 'listed under its flow’s name');
        // The run keeps a scheduled run's id, and its trigger output is the fire time that id names.
        const fireTime = /_schedule-(.+)$/.exec(listed.id)?.[1];
        assert.ok(fireTime, `run id ${listed.id} names its fire time`);
        const run = await runDetail(listed.id);
        const scheduledAt = (run.nodes.tick?.output as { scheduledAt?: string } | undefined)?.scheduledAt;
        assert.equal(new Date(scheduledAt ?? '').getTime(), new Date(fireTime).getTime());
      }
    } finally {
      await api().delete(`/api/flows/${flow.id}`);
    }
  });

  test('a draft run from the editor is not limited; every version of the flow shares one coordinator', async () => {
    const limited = { flowId: 'flw_a', maxConcurrentRuns: 2 };
    assert.equal(await keyCoordinatorOf('ws_a', { ...limited, version: 0 }, {}), undefined);
    assert.equal(await keyCoordinatorOf('ws_a', { ...limited, version: 1 }, {}), 'concurrency-ws_a-flw_a');
    assert.equal(await keyCoordinatorOf('ws_a', { ...limited, version: 7 }, {}), 'concurrency-ws_a-flw_a');
    assert.equal(await keyCoordinatorOf('ws_a', { flowId: 'flw_a', version: 1 }, {}), undefined);
  });

  test('bad settings: out of range is a 400 naming the field; with a business key, publish fails naming it', async () => {
    for (const maxConcurrentRuns of [0, 101]) {
      const document = limitedDocument(target.url, { maxConcurrentRuns });
      const refused = await api().post('/api/flows').send({ name: 'Bad limit', document }).expect(400);
      assert.match(refused.body.error.message, /settings\.maxConcurrentRuns/);
    }
    const both = limitedDocument(target.url, {
      maxConcurrentRuns: 2,
      businessKey: { expression: '{{ trigger.body.seq }}', whenRunning: 'queue' },
    });
    const flow = (await api().post('/api/flows').send({ name: 'Both', document: both }).expect(201)).body as FlowDetail;
    const publish = await api().post(`/api/flows/${flow.id}/publish`).expect(422);
    const errors = publish.body.error.compileErrors as { code: string; field: string }[];
    assert.deepEqual(
      errors.map((error) => [error.code, error.field]),
      [['concurrency_with_business_key', 'settings.maxConcurrentRuns']],
    );
  });
});

/** The coordinator's history events; none before the first hand-over has started it. */
async function coordinatorEvents(coordinator: { fetchHistory(): Promise<{ events?: unknown[] | null }> }) {
  try {
    return ((await coordinator.fetchHistory()).events ?? []) as Array<{
      workflowExecutionSignaledEventAttributes?: { signalName?: string | null } | null;
    }>;
  } catch (error) {
    if ((error as { code?: unknown }).code === 5 /* NOT_FOUND */) return [];
    throw error;
  }
}
