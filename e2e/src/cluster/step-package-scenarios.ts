import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, test } from 'node:test';
import { type ManagedProcess, startProcess, waitFor } from '@pipewright/devstack';
import { toPackageManifest } from '@pipewright/step-sdk';
import { type ClusterProduct, publishFlow } from './cluster-harness.ts';
import replicaSteps, { REPLICA_PACKAGE } from './replica-steps.package.ts';

const STEP_CLI = resolve(import.meta.dirname, '../../../packages/step-worker/src/cli.ts');
const RUNS = 10;
const MAX_BATCHES = 3;
const REPLICAS = ['replica-a', 'replica-b'];

const packageFlow = {
  schemaVersion: 1,
  nodes: [
    { id: 'start', type: 'core.manual', typeVersion: 1, position: { x: 0, y: 0 }, config: {} },
    {
      id: 'which',
      type: 'replica-steps.whichReplica',
      typeVersion: 1,
      position: { x: 260, y: 0 },
      config: { label: '{{ trigger.body.label }}' },
    },
  ],
  edges: [{ id: 'e1', source: 'start', target: 'which' }],
};

/**
 * `pipewright-step worker` as a developer runs it, from a package folder (its package.json names the fixture as
 * its entry), against the cluster: the task queue asked from the server through the proxy with the API token.
 */
async function startReplica(product: ClusterProduct, dir: string, name: string): Promise<ManagedProcess> {
  const { cluster } = product;
  const replica = startProcess({
    name,
    command: process.execPath,
    args: [STEP_CLI, 'worker', '--dir', dir],
    logFile: join(dir, `${name}.log`),
    env: {
      PIPEWRIGHT_REPLICA: name,
      TEMPORAL_ADDRESS: cluster.temporalAddress,
      PIPEWRIGHT_URL: cluster.url,
      PIPEWRIGHT_TOKEN: product.token,
      MONGODB_URI: cluster.mongoUri,
      MONGODB_DB: cluster.mongoDb,
      PIPEWRIGHT_REDIS_URL: cluster.redisUrl,
    },
  });
  try {
    await waitFor(
      `${name} (pipewright-step worker) to poll its task queue`,
      () => {
        if (replica.child.exitCode !== null) throw new Error(`${name} exited:\n${replica.tail(30)}`);
        return replica.tail(30).includes('worker polling task queue') ? true : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 200 },
    );
  } catch (error) {
    await replica.stop();
    throw error;
  }
  return replica;
}

interface RunOfPackageStep {
  status: string;
  nodes: Record<string, { output?: { label: string; replica: string; pid: number } }>;
}

const ranOnEvery = (runs: readonly RunOfPackageStep[]): boolean =>
  REPLICAS.every((name) => runs.some((run) => run.nodes.which?.output?.replica === name));

/** RUNS runs started at once through the proxy (labelled run-<n> across batches), each awaited until it closed. */
async function runBatch(product: ClusterProduct, flowId: string, batch: number): Promise<RunOfPackageStep[]> {
  const runIds = await Promise.all(
    Array.from({ length: RUNS }, async (_, index) => {
      const { runId } = await product.json<{ runId: string }>(`/api/flows/${flowId}/runs`, {
        method: 'POST',
        body: JSON.stringify({ source: 'published', payload: { label: `run-${batch * RUNS + index}` } }),
        status: 202,
      });
      return runId;
    }),
  );
  return Promise.all(
    runIds.map((runId) =>
      waitFor(
        `run ${runId} to close`,
        async () => {
          const run = await product.json<RunOfPackageStep>(`/api/runs/${runId}`);
          return ['queued', 'running', 'stuck'].includes(run.status) ? undefined : run;
        },
        { timeoutMs: 60_000, intervalMs: 250 },
      ),
    ),
  );
}

export function stepPackageScenarios(product: () => ClusterProduct): void {
  describe('step-package worker replicas', () => {
    test(`runs of a package step, ${RUNS} at a time, all succeed, shared by the package worker’s two replicas`, async (t) => {
      const dir = mkdtempSync(join(tmpdir(), 'pw-cluster-package-'));
      const replicas: ManagedProcess[] = [];
      try {
        writeFileSync(
          join(dir, 'package.json'),
          JSON.stringify({
            ...REPLICA_PACKAGE,
            type: 'module',
            main: resolve(import.meta.dirname, 'replica-steps.package.ts'),
          }),
        );
        const published = await product().json<{ taskQueue: string }>('/api/step-packages', {
          method: 'POST',
          body: JSON.stringify(toPackageManifest(replicaSteps, REPLICA_PACKAGE)),
          status: 201,
        });
        for (const name of REPLICAS) replicas.push(await startReplica(product(), dir, name));
        for (const replica of replicas) {
          assert.match(
            replica.tail(30),
            new RegExp(`polling task queue ${published.taskQueue.replaceAll('.', '\\.')}`),
          );
        }
        const { id: flowId } = await publishFlow(product(), 'Cluster package step', packageFlow);

        // Temporal hands each task to whichever poller asks first, not in turns: a batch can (rarely) go to one
        // replica alone, so another batch follows until both have run steps (never more than MAX_BATCHES).
        const runs: RunOfPackageStep[] = [];
        for (let batch = 0; batch < MAX_BATCHES && !ranOnEvery(runs); batch++) {
          runs.push(...(await runBatch(product(), flowId, batch)));
        }
        const ranOn = runs.map((run) => run.nodes.which?.output?.replica);
        t.diagnostic(
          REPLICAS.map((name) => `${name}: ${ranOn.filter((replica) => replica === name).length}`).join(', '),
        );
        assert.deepEqual(
          runs.map((run) => run.status),
          runs.map(() => 'succeeded'),
        );
        assert.deepEqual(
          runs.map((run) => run.nodes.which?.output?.label),
          runs.map((_, index) => `run-${index}`),
          'each run’s step got its own payload',
        );
        assert.deepEqual([...new Set(ranOn)].sort(), REPLICAS, 'both replicas ran steps');
        const pids = new Set(runs.map((run) => run.nodes.which?.output?.pid));
        assert.equal(pids.size, REPLICAS.length, 'in two processes');
      } finally {
        await Promise.all(replicas.map((replica) => replica.stop()));
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}
