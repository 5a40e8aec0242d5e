export { type RunningWorker, type StartWorkerOptions, startWorker } from './start-worker.ts';
export * from './workflows/contract.ts';
