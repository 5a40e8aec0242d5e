import { STEP_HEARTBEAT_EVERY_MS } from '@pipewright/run-contract';
import { connectStepDeps, createStepActivities, type StepHttpOptions } from '@pipewright/step-host';
import type { StepPackageDefinition } from '@pipewright/step-sdk';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createMigrateStepActivity } from './migrate-step.ts';
import { withPinnedVersions } from './pinned-versions.ts';
import { createServerCredentialResolver } from './server-credentials.ts';

export interface StartPackageWorkerOptions {
  temporalAddress: string;
  namespace?: string;
  /** The package's queue, `pkg.<workspaceId>.<name>` (the server answers it on publish). */
  taskQueue: string;
  definition: StepPackageDefinition;
  /** MongoDB for large outputs (optional: credentials never come from it). */
  mongo?: { uri: string; dbName: string };
  /**
   * The server the package's steps get their credentials from (a developer token of the package's workspace): the
   * worker holds no master keys.  Without it, steps that read a credential fail with a clear error.
   */
  server?: { url: string; token: string };
  /** The SSRF guard of the package's HTTP calls; default: private networks blocked (see the core worker). */
  http?: StepHttpOptions;
}

export interface RunningPackageWorker {
  taskQueue: string;
  shutdown(): Promise<void>;
}

/**
 * Starts an activity-only worker for one step package: `runStep`/`evaluateNode` (the same activities as the core
 * worker, over this package's steps) and `migrateStep`.  It carries no workflow code: runs stay on the core queue,
 * and only this package's activities come here — third-party code never runs inside the core workers.
 */
export async function startPackageWorker(options: StartPackageWorkerOptions): Promise<RunningPackageWorker> {
  const [connection, deps] = await Promise.all([
    NativeConnection.connect({ address: options.temporalAddress }),
    connectStepDeps(options.mongo ? { mongo: options.mongo } : {}),
  ]);
  const steps = withPinnedVersions(options.definition.steps);
  const activities = {
    ...createStepActivities({
      steps,
      ...(deps.blobs ? { blobs: deps.blobs } : {}),
      ...(options.server ? { credentials: createServerCredentialResolver(options.server) } : {}),
      ...(options.http ? { http: options.http } : {}),
    }),
    migrateStep: createMigrateStepActivity(options.definition.steps),
  };
  let worker: Worker;
  try {
    worker = await Worker.create({
      connection,
      namespace: options.namespace ?? 'default',
      taskQueue: options.taskQueue,
      // Step activities heartbeat every half second: a package worker that dies is noticed within seconds.
      maxHeartbeatThrottleInterval: STEP_HEARTBEAT_EVERY_MS,
      activities,
    });
  } catch (error) {
    await connection.close();
    await deps.close();
    throw error;
  }
  const running = worker.run();
  let stopped: Promise<void> | undefined;
  return {
    taskQueue: options.taskQueue,
    shutdown() {
      stopped ??= (async () => {
        if (worker.getState() === 'RUNNING') worker.shutdown();
        try {
          await running;
        } finally {
          await connection.close();
          await deps.close();
        }
      })();
      return stopped;
    },
  };
}
