export {
  APPROVED_PORT,
  APPROVER_ROLES,
  approversOf,
  MAX_APPROVAL_MESSAGE,
  MAX_APPROVAL_TITLE,
  REJECTED_PORT,
} from './approval.ts';
export * from './control-step.ts';
export { CORE_IF_TYPE, IF_OUTPUTS } from './if.ts';
export { CORE_LOOP_TYPE, LOOP_ITEM_TYPE, LOOP_MAX_CONCURRENCY } from './loop.ts';
export { CORE_MERGE_TYPE } from './merge.ts';
export { controlStepFor, controlSteps } from './registry.ts';
export { CORE_SUBFLOW_TYPE } from './subflow.ts';
export { CORE_SWITCH_TYPE, SWITCH_OUTPUTS } from './switch.ts';
export { CORE_TRANSFORM_TYPE } from './transform.ts';
export { isTruthy } from './truthy.ts';
export { CORE_WAIT_TYPE, WAIT_OUTPUTS, WAIT_TIMEOUT_PORT } from './wait.ts';
