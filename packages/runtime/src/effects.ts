import type { PlanRetryPolicy } from '@pipewright/compiler';

/**
 * Everything the interpreter needs from the outside world.  The worker implements it with Temporal activities and
 * workflow time; unit tests implement it with fakes.  The runtime itself has no clock, no I/O and no randomness.
 */
export interface RunEffects {
  /** Runs an I/O step with the node's retry policy.  Rejects with a `StepFailure` once retries are exhausted. */
  executeStep(request: StepActivityRequest): Promise<StepActivityResult>;
  /** Current time in epoch ms (deterministic in workflow code). */
  now(): number;
  /** Called after every state change, e.g. to let a query observer see progress.  Optional. */
  onStateChange?(): void;
}

export interface StepActivityRequest {
  nodeId: string;
  type: string;
  typeVersion: number;
  input: unknown;
  retry: PlanRetryPolicy;
  timeoutMs: number;
  taskQueue: string;
  /** workflowId/nodeId: stable across attempts of this node in this run. */
  idempotencyKey: string;
}

export interface StepActivityResult {
  output: unknown;
  /** The attempt that succeeded (1 = first try). */
  attempts: number;
}

/** The shape effects ports reject with when a step has failed for good. */
export interface StepFailure {
  message: string;
  attempts: number;
  details?: unknown;
}

export const isStepFailure = (value: unknown): value is StepFailure =>
  typeof value === 'object' &&
  value !== null &&
  'message' in value &&
  typeof value.message === 'string' &&
  'attempts' in value &&
  typeof value.attempts === 'number';
