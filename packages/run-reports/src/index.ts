export * from './run-report-writer.ts';
export * from './run-rollup-store.ts';
export * from './throttled-attempts.ts';
export * from './waiting-runs-counter.ts';
