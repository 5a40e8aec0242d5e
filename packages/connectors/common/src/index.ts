export * from './abortable.ts';
export * from './errors.ts';
export * from './json-safe.ts';
export * from './lazy-module.ts';
