import type { AnyStepDefinition } from '@pipewright/step-sdk';
import { javascriptStep } from './javascript.step.ts';

export { runIsolated } from './run-isolated.ts';
export type { LogLine, SandboxLimits, SandboxOutcome, SandboxRequest } from './sandbox.ts';
export { javascriptStep };

/** The step types of this package, for the worker's registry and the server's catalog. */
export const codeSteps: AnyStepDefinition[] = [javascriptStep];
