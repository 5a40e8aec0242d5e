/** The business key setting as a plan carries it (see business-key.ts for what runs do with it). */

/** What a new event does while a run for its key is active. */
export const WHEN_KEY_RUNNING = ['queue', 'signal', 'drop'] as const;
export type WhenKeyRunning = (typeof WHEN_KEY_RUNNING)[number];

/** `ExecutionPlan.businessKey`: a template over the trigger, e.g. `{{ trigger.body.orderId }}`. */
export interface PlanBusinessKey {
  expression: string;
  whenRunning: WhenKeyRunning;
}
