export * from './define-step.ts';
export * from './manifest.ts';
export * from './ports.ts';
export * from './step-error.ts';
