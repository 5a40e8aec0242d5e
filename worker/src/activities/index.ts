export {
  createStepActivities,
  type EvaluateNodeFn,
  type RunStepFn,
  type StepActivitiesOptions,
  type StepHttpOptions,
} from './run-step.ts';
export { connectStepDeps, type StepDeps, type StepDepsOptions } from './step-deps.ts';
