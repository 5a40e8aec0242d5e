/** The zod the SDK builds manifests with: step packages import it from here, so schemas and SDK share one copy. */
export { z } from 'zod';
export * from './credential-types.ts';
export * from './define-credential.ts';
export * from './define-step.ts';
export * from './json-schema-values.ts';
export * from './manifest.ts';
export * from './ports.ts';
export * from './safe-object.ts';
export * from './scrub-secrets.ts';
export * from './step-error.ts';
export * from './step-package.ts';
export * from './trigger-ports.ts';
