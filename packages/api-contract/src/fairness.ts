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
      .max(MAX_FAIRNESS_WEIGHT, `must be at most ${MAX_FAIRNESS_WEIGHT}`),
  })
  .strict();
export type PutFairnessBody = z.infer<typeof putFairnessBody>;

/** `GET /fairness`: the workspace's weight (1 while none was set), and the most the caller may set. */
export const fairnessViewSchema = z.object({
  weight: z.number(),
  /** 1 for a workspace admin, MAX_FAIRNESS_WEIGHT for an instance operator, 0 for a member who may not change it. */
  maxWeight: z.number(),
  updatedAt: z.string().nullable(),
  updatedBy: z.string().nullable(),
});
export type FairnessView = z.infer<typeof fairnessViewSchema>;
