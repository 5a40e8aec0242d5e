/** A worker running step activities sets its heartbeat throttle to this (`maxHeartbeatThrottleInterval`). */
export { STEP_HEARTBEAT_EVERY_MS } from '../workflows/contract.ts';
export {
  createStepActivities,
  type EvaluateNodeFn,
  type RunStepFn,
  type StepActivitiesOptions,
  type StepHttpOptions,
} from './run-step.ts';
export { connectStepDeps, type StepDeps, type StepDepsOptions } from './step-deps.ts';
