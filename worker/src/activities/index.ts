export { createRunStep, type RunStepFn, runStep } from './run-step.ts';
