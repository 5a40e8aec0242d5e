import { startWorker } from './start-worker.ts';

const worker = await startWorker({
  temporalAddress: process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233',
  ...(process.env.TEMPORAL_NAMESPACE ? { namespace: process.env.TEMPORAL_NAMESPACE } : {}),
  ...(process.env.TASK_QUEUE ? { taskQueue: process.env.TASK_QUEUE } : {}),
});
console.log(`pipewright worker polling task queue "${worker.taskQueue}"`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.log(`${signal}: shutting down the worker`);
    worker.shutdown().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  });
}
