/** A worker running step activities sets its heartbeat throttle to this (`maxHeartbeatThrottleInterval`). */

/** `PIPEWRIGHT_HTTP_MAX_RESPONSE_BYTES`, read the same way by the core worker and package workers. */
export { parseMaxResponseBytes } from '../net/guarded-request.ts';
export { STEP_HEARTBEAT_EVERY_MS } from '../workflows/contract.ts';
export {
  createStepActivities,
  type EvaluateNodeFn,
  type RunStepFn,
  type StepActivitiesOptions,
  type StepHttpOptions,
} from './run-step.ts';
export { connectStepDeps, type StepDeps, type StepDepsOptions } from './step-deps.ts';
