export * from './migrate-config.ts';
export * from './plan.ts';
export * from './poll-trigger.ts';
export * from './run-flow.ts';
export * from './run-state.ts';
export * from './search-attributes.ts';
export * from './step-activity.ts';
