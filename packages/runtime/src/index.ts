export { runTimeoutMessage } from '@pipewright/compiler/run-timeout';
export * from './blob-ref.ts';
export * from './effects.ts';
export * from './execute-plan.ts';
export { FLOW_STEP_TYPES, outputOfRun } from './flow-steps.ts';
export { chunkSizeOf, isTransformOnly, TRANSFORM_ACTIVITY_CHUNK } from './loop.ts';
export { runLoopChunk } from './loop-chunk.ts';
export { applyTransform, parseTransformConfig, type TransformConfig } from './transform.ts';
