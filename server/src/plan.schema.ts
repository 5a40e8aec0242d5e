import { type ExecutionPlan, PLAN_FORMAT, type PlanNode } from '@pipewright/compiler';
import { z } from 'zod';

/** Guards plans read back from Mongo before they are handed to a run (the compiler's type, checked). */
const planNodeSchema: z.ZodType<PlanNode> = z.object({
  id: z.string(),
  type: z.string(),
  typeVersion: z.number().int(),
  title: z.string(),
  kind: z.enum(['trigger', 'action', 'transform']),
  runsIn: z.enum(['workflow', 'activity']),
  upstream: z.array(z.string()),
  inputs: z.array(z.object({ nodeId: z.string(), port: z.string() })).optional(),
  outputs: z.array(z.string()).optional(),
  onError: z.enum(['fail', 'continue', 'errorOutput']).optional(),
  config: z.record(z.string(), z.unknown()),
  retry: z.object({
    maxAttempts: z.number(),
    initialIntervalMs: z.number(),
    backoffCoefficient: z.number(),
    maxIntervalMs: z.number(),
  }),
  timeoutMs: z.number(),
  taskQueue: z.string(),
  body: z
    .object({
      nodes: z.array(z.lazy(() => planNodeSchema)),
      entry: z.array(z.string()),
      resultNodeId: z.string(),
      stopWhen: z.string().optional(),
    })
    .optional(),
  subflow: z
    .object({ flowId: z.string(), version: z.number().int(), plan: z.lazy(() => executionPlanSchema) })
    .optional(),
});

export const executionPlanSchema: z.ZodType<ExecutionPlan> = z.object({
  planFormat: z.literal(PLAN_FORMAT),
  runtimeVersion: z.number().int(),
  expressionEngine: z.string(),
  flowId: z.string(),
  version: z.number().int(),
  hash: z.string(),
  triggerNodeId: z.string(),
  nodes: z.array(planNodeSchema),
  errorHandler: z
    .object({ flowId: z.string(), version: z.number().int(), plan: z.lazy(() => executionPlanSchema) })
    .optional(),
  runTimeoutMs: z.number().int().positive().optional(),
});

export function parsePlan(json: string): ExecutionPlan {
  return executionPlanSchema.parse(JSON.parse(json));
}
