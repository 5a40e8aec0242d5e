export { type LoadedStepPackage, loadStepPackage } from './load-package.ts';
export { createMigrateStepActivity } from './migrate-step.ts';
export { type RunningPackageWorker, type StartPackageWorkerOptions, startPackageWorker } from './package-worker.ts';
export { withPinnedVersions } from './pinned-versions.ts';
export { devVersion, findTaskQueue, type PublishResult, publishManifest, type ServerTarget } from './publish.ts';
