export * from './constraint.ts';
export * from './error-group.ts';
export * from './health.ts';
export * from './histogram.ts';
export * from './rollup-layout.ts';
export * from './rollup-read.ts';
export * from './rollup-write.ts';
export * from './run-report.ts';
