export * from './effects.ts';
export * from './execute-plan.ts';
export * from './run-state.ts';
export { applyTransform, parseTransformConfig, type TransformConfig } from './transform.ts';
