export * from './plan.ts';
export * from './run-flow.ts';
export * from './run-state.ts';
export * from './search-attributes.ts';
