import { NativeConnection, Worker } from '@temporalio/worker';
import { runStep } from './activities/index.ts';
import { getWorkflowBundle } from './workflow-bundle.ts';
import { DEFAULT_TASK_QUEUE } from './workflows/contract.ts';

export interface StartWorkerOptions {
  temporalAddress: string;
  namespace?: string;
  /** Default `pipewright-core`: the queue plans put built-in steps on. */
  taskQueue?: string;
}

export interface RunningWorker {
  taskQueue: string;
  /** Stops polling, lets in-flight tasks finish, closes the connection. */
  shutdown(): Promise<void>;
}

/** Starts a worker that runs `runFlow` workflows and the `runStep` activity on one task queue. */
export async function startWorker(options: StartWorkerOptions): Promise<RunningWorker> {
  const taskQueue = options.taskQueue ?? DEFAULT_TASK_QUEUE;
  const [workflowBundle, connection] = await Promise.all([
    getWorkflowBundle(),
    NativeConnection.connect({ address: options.temporalAddress }),
  ]);
  let worker: Worker;
  try {
    worker = await Worker.create({
      connection,
      namespace: options.namespace ?? 'default',
      taskQueue,
      workflowBundle,
      activities: { runStep },
    });
  } catch (error) {
    await connection.close();
    throw error;
  }
  const running = worker.run();
  let stopped: Promise<void> | undefined;
  return {
    taskQueue,
    shutdown() {
      stopped ??= (async () => {
        if (worker.getState() === 'RUNNING') worker.shutdown();
        try {
          await running;
        } finally {
          await connection.close();
        }
      })();
      return stopped;
    },
  };
}
