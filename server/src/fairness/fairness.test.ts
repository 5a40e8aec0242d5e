import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { FlowDetail, StartRunResponse } from '@pipewright/api-contract';
import { getTestStack } from '@pipewright/devstack';
import { type RunningWorker, startWorker } from '@pipewright/worker';
import request from 'supertest';
import type { FairnessSettings } from '../config.ts';
import {
  awaitOnTemporal,
  awaitRun,
  type Harness,
  provisionWorkspace,
  type SignedInUser,
  signedInAgent,
  startHarness,
} from '../test-support.ts';
import { seqFlowDocument } from './test-flows.ts';

/**
 * Lanes and fair shares on the real Temporal dev server (docs/adr/027).  Workspace A's flood is accepted while no
 * worker polls, so it waits on the task queue as a backlog; then workspace B sends a few webhooks and presses Run
 * once; then a worker with two slots drains everything.  The order in which runs close (Temporal's close times) shows
 * who went first — no time is asserted.
 */
const FLOOD = 40;
const B_WEBHOOKS = 5;

async function publish(harness: Harness, user: SignedInUser, trigger: 'core.webhook' | 'core.manual') {
  const api = signedInAgent(harness.app, user.token);
  const flow = (
    await api
      .post('/api/flows')
      .send({ name: `${trigger} flow`, document: seqFlowDocument(trigger) })
      .expect(201)
  ).body as FlowDetail;
  await api.post(`/api/flows/${flow.id}/publish`).expect(201);
  return flow;
}

async function sendWebhook(harness: Harness, flow: FlowDetail, seq: number): Promise<string> {
  const response = await request(harness.app).post(String(flow.webhookPath)).send({ seq }).expect(202);
  return (response.body as { runId: string }).runId;
}

/** When each run closed, on Temporal's clock (ms). */
async function closedAt(harness: Harness, runIds: string[]): Promise<number[]> {
  await Promise.all(runIds.map((runId) => awaitRun(harness.temporal, runId)));
  return Promise.all(
    runIds.map(async (runId) => {
      const { closeTime } = await harness.temporal.workflow.getHandle(runId).describe();
      assert.ok(closeTime, `run ${runId} closed`);
      return closeTime.getTime();
    }),
  );
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

/** A's flood, then B's webhooks and B's editor run, all waiting; then a two-slot worker takes them. */
async function floodThenDrain(fairness: FairnessSettings) {
  const harness = await startHarness({ worker: false, sweepQueuedRuns: true, fairness });
  let worker: RunningWorker | undefined;
  try {
    const workspaceB = await provisionWorkspace(harness.app, harness.db);
    const floodFlow = await publish(harness, harness.admin, 'core.webhook');
    const bHook = await publish(harness, workspaceB, 'core.webhook');
    const bEditor = await publish(harness, workspaceB, 'core.manual');
    const flood: string[] = [];
    for (let seq = 0; seq < FLOOD; seq++) flood.push(await sendWebhook(harness, floodFlow, seq));
    // A's whole flood is on Temporal's task queue before B sends anything: the order tested is the task queue's.
    await Promise.all(flood.map((runId) => awaitOnTemporal(harness.temporal, runId)));
    const bRuns: string[] = [];
    for (let seq = 0; seq < B_WEBHOOKS; seq++) bRuns.push(await sendWebhook(harness, bHook, seq));
    const editor = (
      (
        await signedInAgent(harness.app, workspaceB.token)
          .post(`/api/flows/${bEditor.id}/runs`)
          .send({ source: 'published', payload: { seq: 0 } })
          .expect(202)
      ).body as StartRunResponse
    ).runId;
    worker = await startWorker({
      temporalAddress: (await getTestStack()).temporalAddress,
      taskQueue: harness.taskQueue,
      slots: 2,
    });
    const [floodClosed, bClosed, [editorClosed]] = await Promise.all([
      closedAt(harness, flood),
      closedAt(harness, bRuns),
      closedAt(harness, [editor]),
    ]);
    return { floodClosed, bClosed, editorClosed: editorClosed ?? NaN };
  } finally {
    await worker?.shutdown();
    await harness.stop();
  }
}

describe('lanes and fair shares under a backlog', () => {
  test("B's runs complete before A's backlog does, and the editor run goes first", async () => {
    const { floodClosed, bClosed, editorClosed } = await floodThenDrain({ enabled: true, interactivePerMinute: 60 });
    // Fair shares: B's webhooks are served beside A's, not after them.
    assert.ok(
      Math.max(...bClosed) < median(floodClosed),
      `B's last run closed before half of A's ${FLOOD} had (B: ${bClosed.join(', ')}; A's median: ${median(floodClosed)})`,
    );
    // The interactive lane: pressed after the whole backlog, run before most of it.
    const floodBefore = floodClosed.filter((at) => at < editorClosed).length;
    assert.ok(floodBefore < FLOOD / 4, `the editor run closed after only ${floodBefore} of A's runs`);
  });

  test("with lanes off, the same runs wait behind A's whole backlog, first in, first out", async () => {
    const { floodClosed, bClosed, editorClosed } = await floodThenDrain({ enabled: false, interactivePerMinute: 60 });
    assert.ok(
      Math.min(...bClosed) > median(floodClosed),
      `B's first run closed after half of A's (B: ${bClosed.join(', ')}; A's median: ${median(floodClosed)})`,
    );
    assert.ok(editorClosed > median(floodClosed), 'the editor run waited its turn');
  });
});
