/**
 * Schemas of the run contract, for code that reads plans and run states back from storage or from Temporal (the
 * server): typed against the contract's own interfaces, so a field added there and not here fails to compile.  A
 * separate entry point (`@pipewright/run-contract/schema`) keeps zod out of the workflow bundle.
 */
import { z } from 'zod';
import { WHEN_KEY_RUNNING } from './business-key-setting.ts';
import { type ExecutionPlan, PLAN_FORMAT, type PlanNode } from './plan.ts';
import type { LoopIterationState, NodeRunState, RunState } from './run-state.ts';

const retryPolicySchema = z.object({
  maxAttempts: z.number(),
  initialIntervalMs: z.number(),
  backoffCoefficient: z.number(),
  maxIntervalMs: z.number(),
});

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
  undo: z
    .object({
      type: z.string(),
      typeVersion: z.number().int(),
      config: z.record(z.string(), z.unknown()),
      retry: retryPolicySchema,
      timeoutMs: z.number(),
      taskQueue: z.string(),
    })
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
  searchable: z.array(z.object({ name: z.string(), expression: z.string() })).optional(),
  businessKey: z.object({ expression: z.string(), whenRunning: z.enum(WHEN_KEY_RUNNING) }).optional(),
  maxConcurrentRuns: z.number().int().positive().optional(),
  batch: z.literal(true).optional(),
  maxWaitingRuns: z.number().int().positive().optional(),
});

export function parsePlan(json: string): ExecutionPlan {
  return executionPlanSchema.parse(JSON.parse(json));
}

/** Guards the RunState the worker returns (query, result, failure details) before the API serves it. */
const bodyNodeRunStateSchema = z.object({
  status: z.enum(['pending', 'running', 'waiting', 'succeeded', 'failed', 'skipped']),
  input: z.unknown().optional(),
  output: z.unknown().optional(),
  error: z.object({ message: z.string(), details: z.unknown().optional() }).optional(),
  attempts: z.number(),
  continuedOnError: z.literal(true).optional(),
  waitingUntil: z.number().optional(),
  waitingFor: z.string().optional(),
  pausedBy: z.object({ kind: z.enum(['connector', 'credential']), id: z.string() }).optional(),
  progress: z.object({ done: z.number(), total: z.number() }).optional(),
  rateLimitWaitMs: z.number().optional(),
  ports: z.array(z.string()).optional(),
  reused: z.literal(true).optional(),
  startedAt: z.number().optional(),
  endedAt: z.number().optional(),
  undo: z
    .object({
      status: z.enum(['running', 'succeeded', 'failed']),
      attempts: z.number(),
      input: z.unknown().optional(),
      output: z.unknown().optional(),
      error: z.object({ message: z.string(), details: z.unknown().optional() }).optional(),
      startedAt: z.number().optional(),
      endedAt: z.number().optional(),
    })
    .optional(),
});

const loopIterationSchema = z.object({
  index: z.number(),
  status: z.enum(['running', 'succeeded', 'failed']),
  nodes: z.record(z.string(), bodyNodeRunStateSchema),
});

const nodeRunStateSchema = bodyNodeRunStateSchema.extend({
  iterations: z.array(loopIterationSchema).optional(),
});

export const runStateSchema = z.object({
  status: z.enum(['running', 'succeeded', 'failed']),
  flowId: z.string(),
  version: z.number(),
  startedAt: z.number(),
  endedAt: z.number().optional(),
  nodes: z.record(z.string(), nodeRunStateSchema),
  error: z.object({ nodeId: z.string(), message: z.string() }).optional(),
  compensation: z
    .object({
      status: z.enum(['running', 'compensated', 'failed']),
      order: z.array(z.string()),
      failedAt: z.array(z.string()).optional(),
    })
    .optional(),
});

export type ParsedRunState = z.infer<typeof runStateSchema>;

/** Every field of the contract's RunState is in the schema, and no other: a field added to one only fails here. */
type SameKeys<A, B> = [keyof A] extends [keyof B] ? ([keyof B] extends [keyof A] ? true : false) : false;
const runStateFieldsMatch: SameKeys<RunState, ParsedRunState> = true;
const nodeFieldsMatch: SameKeys<NodeRunState, z.infer<typeof nodeRunStateSchema>> = true;
const iterationFieldsMatch: SameKeys<LoopIterationState, z.infer<typeof loopIterationSchema>> = true;
void runStateFieldsMatch;
void nodeFieldsMatch;
void iterationFieldsMatch;

/** A RunState, or undefined when the value is not one (e.g. an older worker's shape). */
export function asRunState(value: unknown): ParsedRunState | undefined {
  const parsed = runStateSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}
