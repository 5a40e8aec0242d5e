import { type ExecutionPlan, PLAN_FORMAT } from '@pipewright/compiler';
import { z } from 'zod';

/** Guards plans read back from Mongo before they are handed to a run (the compiler's type, checked). */
const planNodeSchema = z.object({
  id: z.string(),
  type: z.string(),
  typeVersion: z.number().int(),
  title: z.string(),
  kind: z.enum(['trigger', 'action', 'transform']),
  runsIn: z.enum(['workflow', 'activity']),
  upstream: z.array(z.string()),
  config: z.record(z.string(), z.unknown()),
  retry: z.object({
    maxAttempts: z.number(),
    initialIntervalMs: z.number(),
    backoffCoefficient: z.number(),
    maxIntervalMs: z.number(),
  }),
  timeoutMs: z.number(),
  taskQueue: z.string(),
});

export const executionPlanSchema = z.object({
  planFormat: z.literal(PLAN_FORMAT),
  runtimeVersion: z.number().int(),
  expressionEngine: z.string(),
  flowId: z.string(),
  version: z.number().int(),
  hash: z.string(),
  triggerNodeId: z.string(),
  nodes: z.array(planNodeSchema),
}) satisfies z.ZodType<ExecutionPlan>;

export function parsePlan(json: string): ExecutionPlan {
  return executionPlanSchema.parse(JSON.parse(json));
}
