import { MAX_WAITING_RUNS_LIMIT } from '@pipewright/flow';
import { MAX_FAIRNESS_WEIGHT, MIN_FAIRNESS_WEIGHT } from '@pipewright/run-contract/run-priority';
import { z } from 'zod';

/**
 * `PUT /fairness`: the workspace's weight — its share of the workers under a backlog, relative to other workspaces'
 * (docs/adr/027).  A workspace admin may lower it (down to 0.001); only an instance operator may raise it above 1
 * (a plan tier): otherwise every tenant would give itself the largest share.
 */
export const putFairnessBody = z
  .object({
    weight: z
      .number('must be a number')
      .min(MIN_FAIRNESS_WEIGHT, `must be at least ${MIN_FAIRNESS_WEIGHT}`)
      .max(MAX_FAIRNESS_WEIGHT, `must be at most ${MAX_FAIRNESS_WEIGHT}`)
      .optional(),
    /**
     * The workspace's own ceiling of runs waiting to start (docs/adr/027): past it its webhooks get 429.  It may only
     * lower the instance's; null removes it.
     */
    maxWaitingRuns: z
      .number('must be a whole number or null')
      .int('must be a whole number')
      .min(1, 'must be at least 1')
      .max(MAX_WAITING_RUNS_LIMIT, `must be at most ${MAX_WAITING_RUNS_LIMIT}`)
      .nullable()
      .optional(),
  })
  .strict()
  .refine((body) => body.weight !== undefined || body.maxWaitingRuns !== undefined, {
    message: 'give weight, maxWaitingRuns or both',
    path: ['weight'],
  });
export type PutFairnessBody = z.infer<typeof putFairnessBody>;

/** `GET /fairness`: the workspace's weight (1 while none was set), and the most the caller may set. */
export const fairnessViewSchema = z.object({
  weight: z.number(),
  /** 1 for a workspace admin, MAX_FAIRNESS_WEIGHT for an instance operator, 0 for a member who may not change it. */
  maxWeight: z.number(),
  updatedAt: z.string().nullable(),
  updatedBy: z.string().nullable(),
  /** The workspace's own ceiling of runs waiting to start; null: the instance's applies. */
  maxWaitingRuns: z.number().nullable(),
  /** The instance's ceiling (`PIPEWRIGHT_MAX_WAITING_RUNS_PER_WORKSPACE`); 0: none. */
  instanceMaxWaitingRuns: z.number(),
});
export type FairnessView = z.infer<typeof fairnessViewSchema>;

/** One flow's runs waiting to start (accepted, not begun by a worker yet), within the counting window. */
export const flowWaitingSchema = z.object({
  flowId: z.string(),
  /** Null when the flow was deleted since. */
  flowName: z.string().nullable(),
  waiting: z.number(),
  /** How long the oldest waiting run has waited (ms, to the 10 s bucket it was accepted in); null when none waits. */
  oldestAgeMs: z.number().nullable(),
  /** Webhook deliveries answered 429 at a ceiling within the window. */
  refused: z.number(),
});

/** `GET /waiting-runs`: the workspace's runs waiting to start, per flow, and the ceilings past which webhooks get 429. */
export const waitingRunsViewSchema = z.object({
  waiting: z.number(),
  oldestAgeMs: z.number().nullable(),
  refused: z.number(),
  flows: z.array(flowWaitingSchema),
  /** 0: no ceiling. */
  ceilings: z.object({ workspace: z.number(), flow: z.number() }),
  windowMinutes: z.number(),
});
export type WaitingRunsView = z.infer<typeof waitingRunsViewSchema>;
export type FlowWaitingView = z.infer<typeof flowWaitingSchema>;
