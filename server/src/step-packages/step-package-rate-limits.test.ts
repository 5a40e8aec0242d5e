/**
 * A workspace's rate limit holds for a package's steps too (docs/adr/019): the package worker reads the workspace's
 * limits from the database and counts its calls as the core worker does.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { FlowDetail, RunDetail, StartRunResponse } from '@pipewright/api-contract';
import { getTestStack } from '@pipewright/devstack';
import { defineStep, defineStepPackage, toPackageManifest, z } from '@pipewright/step-sdk';
import { type RunningPackageWorker, startPackageWorker } from '@pipewright/step-worker';
import { createSignedInAgent } from '../auth/test-accounts.ts';
import { awaitRun, type Harness, startHarness } from '../test-support.ts';

let harness: Harness;
let worker: RunningPackageWorker | undefined;
/** When each call of the package's step ran (wall clock). */
const calls: number[] = [];

const pingStep = defineStep({
  type: 'ratepkg.ping',
  version: 1,
  kind: 'action',
  title: 'Ping',
  description: 'Calls a rate-limited service',
  input: z.object({}),
  output: z.object({ ok: z.boolean() }),
  async run() {
    calls.push(Date.now());
    return { ok: true };
  },
});

before(async () => {
  harness = await startHarness({ worker: true });
});
after(async () => {
  await worker?.shutdown();
  await harness?.stop();
});

/** A timer may fire a loop turn early (libuv's cached clock) and waits are rounded to whole ms. */
const TIMER_SLACK_MS = 100;

test('the workspace’s ratepkg=1/s holds the package’s parallel calls to one a second', async (t) => {
  const developer = await createSignedInAgent(harness, { role: 'developer' });
  const definition = defineStepPackage({ steps: [pingStep] });
  const published = await developer
    .agent()
    .post('/api/step-packages')
    .send(toPackageManifest(definition, { name: 'ratepkg', version: '1.0.0' }))
    .expect(201);
  const { taskQueue } = published.body as { taskQueue: string };
  const stack = await getTestStack();
  worker = await startPackageWorker({
    temporalAddress: stack.temporalAddress,
    taskQueue,
    definition,
    mongo: { uri: stack.mongoUri, dbName: harness.db.databaseName },
  });
  await harness
    .api()
    .put('/api/rate-limits')
    .send({ limits: { ratepkg: { count: 1, per: 's' } } })
    .expect(200);

  const ids = ['p1', 'p2', 'p3'];
  const document = {
    schemaVersion: 1,
    nodes: [
      { id: 'start', type: 'core.manual', typeVersion: 1, position: { x: 0, y: 0 }, config: {} },
      ...ids.map((id, index) => ({
        id,
        type: 'ratepkg.ping',
        typeVersion: 1,
        position: { x: 200, y: index * 100 },
        config: {},
      })),
    ],
    edges: ids.map((id) => ({ id: `e-${id}`, source: 'start', target: id })),
  };
  const flow = (await harness.api().post('/api/flows').send({ name: 'Pings', document }).expect(201))
    .body as FlowDetail;
  const { runId } = (await harness.api().post(`/api/flows/${flow.id}/runs`).send({}).expect(202))
    .body as StartRunResponse;
  await awaitRun(harness.temporal, runId);
  const run = (await harness.api().get(`/api/runs/${runId}`).expect(200)).body as RunDetail;
  assert.equal(run.status, 'succeeded');
  const startedAt = Date.parse(run.startedAt);
  const times = calls.map((at) => at - startedAt).sort((x, y) => x - y);
  t.diagnostic(`calls after the run started (ms): ${times.join(', ')}`);
  assert.equal(times.length, 3);
  // One call a window, each window at least 1 s after the one before, the first after the run started.
  for (const [index, at] of times.entries()) {
    assert.ok(at >= index * 1000 - TIMER_SLACK_MS, `call ${index + 1} ran ${at} ms after the run started`);
  }
  assert.ok(
    ids.some((id) => (run.nodes[id]?.rateLimitWaitMs ?? 0) > 0),
    'the run view says which calls waited',
  );
});
