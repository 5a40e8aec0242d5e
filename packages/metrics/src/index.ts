export * from './metrics.ts';
export * from './serve.ts';
