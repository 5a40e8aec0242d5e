export { runTimeoutMessage } from '@pipewright/compiler/run-timeout';
export * from './blob-ref.ts';
export * from './effects.ts';
export { OUTSIDE_WORKFLOW_LIMITS } from './evaluate-config.ts';
export * from './execute-plan.ts';
export { outputOfRun } from './flow-steps.ts';
export { evaluateNodeOutside } from './inline-steps.ts';
export { chunkSizeOf, isTransformOnly, TRANSFORM_ACTIVITY_CHUNK } from './loop.ts';
export { runLoopChunk } from './loop-chunk.ts';
