/**
 * A package step whose service answers 429 twice and then succeeds: its package worker (with the database) counts
 * both throttled attempts on the health dashboard, like the core worker counts its own steps' — a workflow sees only
 * the last attempt, so the attempts are counted where they run.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { FlowDetail, StartRunResponse } from '@pipewright/api-contract';
import { getTestStack } from '@pipewright/devstack';
import type { HealthResponse } from '@pipewright/operations';
import { defineStep, defineStepPackage, StepError, toPackageManifest, z } from '@pipewright/step-sdk';
import { type RunningPackageWorker, startPackageWorker } from '@pipewright/step-worker';
import { createSignedInAgent } from '../auth/test-accounts.ts';
import { awaitRun, type Harness, startHarness, waitFor } from '../test-support.ts';

let harness: Harness;
let worker: RunningPackageWorker | undefined;
let calls = 0;

/** Answers 429 (retryable, as the HTTP port reports it) on its first two attempts of each run. */
const busyStep = defineStep({
  type: 'busypkg.call',
  version: 1,
  kind: 'action',
  title: 'Busy call',
  description: 'Calls a service that is busy at first',
  input: z.object({}),
  output: z.object({ attempt: z.number() }),
  async run(_input, ctx) {
    calls++;
    if (ctx.run.attempt <= 2) {
      throw new StepError('the service answered 429', { retryable: true, details: { status: 429 }, retryAfterMs: 10 });
    }
    return { attempt: ctx.run.attempt };
  },
});

before(async () => {
  harness = await startHarness({ worker: true });
});
after(async () => {
  await worker?.shutdown();
  await harness?.stop();
});

test('a package worker counts its steps’ 429 attempts on the health dashboard', async () => {
  const developer = await createSignedInAgent(harness, { role: 'developer' });
  const published = await developer
    .agent()
    .post('/api/step-packages')
    .send(toPackageManifest(defineStepPackage({ steps: [busyStep] }), { name: 'busypkg', version: '1.0.0' }))
    .expect(201);
  const { taskQueue } = published.body as { taskQueue: string };
  const stack = await getTestStack();
  worker = await startPackageWorker({
    temporalAddress: stack.temporalAddress,
    taskQueue,
    definition: defineStepPackage({ steps: [busyStep] }),
    mongo: { uri: stack.mongoUri, dbName: harness.db.databaseName },
  });

  const document = {
    schemaVersion: 1,
    nodes: [
      { id: 'start', type: 'core.manual', typeVersion: 1, position: { x: 0, y: 0 }, config: {} },
      {
        id: 'busy',
        type: 'busypkg.call',
        typeVersion: 1,
        position: { x: 200, y: 0 },
        config: {},
        settings: { retry: { maxAttempts: 3, initialIntervalMs: 10, backoffCoefficient: 1, maxIntervalMs: 10 } },
      },
    ],
    edges: [{ id: 'e1', source: 'start', target: 'busy' }],
  };
  const flow = (await harness.api().post('/api/flows').send({ name: 'Busy', document }).expect(201)).body as FlowDetail;
  await harness.api().post(`/api/flows/${flow.id}/publish`).expect(201);
  const { runId } = (await harness.api().post(`/api/flows/${flow.id}/runs`).send({ source: 'published' }).expect(202))
    .body as StartRunResponse;
  await awaitRun(harness.temporal, runId);
  assert.equal(calls, 3, 'two 429s, then the attempt that succeeded');

  // Both writers flush about once a second.
  const view = await waitFor('the package worker’s 429s on the dashboard', async () => {
    const body = (await harness.api().get(`/api/operations/health?window=1h&flowId=${flow.id}`).expect(200))
      .body as HealthResponse;
    return body.totals.tooManyRequests === 2 && body.totals.runs === 1 ? body : undefined;
  });
  assert.equal(view.totals.succeeded, 1);
  const connector = view.connectors.find((item) => item.connector === 'package');
  assert.equal(connector?.executions, 1, 'the package step, labelled `package`');
});
