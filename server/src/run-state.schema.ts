import type { RunNodeView } from '@pipewright/api-contract';
import { defineOwn } from '@pipewright/step-sdk';
import { z } from 'zod';

/** Guards the RunState the worker returns (query, result, failure details) before the API serves it. */
const nodeRunStateSchema = z.object({
  status: z.enum(['pending', 'running', 'waiting', 'succeeded', 'failed', 'skipped']),
  input: z.unknown().optional(),
  output: z.unknown().optional(),
  error: z.object({ message: z.string(), details: z.unknown().optional() }).optional(),
  attempts: z.number(),
  waitingUntil: z.number().optional(),
  waitingFor: z.string().optional(),
  progress: z.object({ done: z.number(), total: z.number() }).optional(),
  rateLimitWaitMs: z.number().optional(),
  startedAt: z.number().optional(),
  endedAt: z.number().optional(),
});

export const runStateSchema = z.object({
  status: z.enum(['running', 'succeeded', 'failed']),
  flowId: z.string(),
  version: z.number(),
  startedAt: z.number(),
  endedAt: z.number().optional(),
  nodes: z.record(z.string(), nodeRunStateSchema),
  error: z.object({ nodeId: z.string(), message: z.string() }).optional(),
});

export type ParsedRunState = z.infer<typeof runStateSchema>;

/** A RunState, or undefined when the value is not one (e.g. an older worker's shape). */
export function asRunState(value: unknown): ParsedRunState | undefined {
  const parsed = runStateSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

export function toNodeViews(state: ParsedRunState): Record<string, RunNodeView> {
  const views: Record<string, RunNodeView> = {};
  for (const [id, node] of Object.entries(state.nodes)) {
    const view: RunNodeView = { status: node.status, attempts: node.attempts };
    if (node.input !== undefined) view.input = node.input;
    if (node.output !== undefined) view.output = node.output;
    if (node.error !== undefined) {
      view.error =
        node.error.details === undefined
          ? { message: node.error.message }
          : { message: node.error.message, details: node.error.details };
    }
    if (node.waitingUntil !== undefined) view.waitingUntil = node.waitingUntil;
    if (node.waitingFor !== undefined) view.waitingFor = node.waitingFor;
    if (node.progress !== undefined) view.progress = node.progress;
    if (node.rateLimitWaitMs !== undefined) view.rateLimitWaitMs = node.rateLimitWaitMs;
    if (node.startedAt !== undefined) view.startedAt = node.startedAt;
    if (node.endedAt !== undefined) view.endedAt = node.endedAt;
    defineOwn(views, id, view);
  }
  return views;
}
