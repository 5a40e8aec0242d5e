import { type FlowDiff, flowEdgeSchema, flowNodeSchema, positionSchema } from '@pipewright/flow';
import { z } from 'zod';
import type { Equal } from './type-equal.ts';

/** One leaf that differs: `path` is dotted from the node (or document) root; `before`/`after` absent when missing. */
const fieldChangeSchema = z.object({
  path: z.string(),
  before: z.unknown().exactOptional(),
  after: z.unknown().exactOptional(),
});

/** `GET /api/flows/{id}/versions/{a}/diff/{b}`: `diffFlows` of @pipewright/flow, pinned to its type. */
export const flowDiffSchema = z.object({
  nodes: z.object({
    added: z.array(flowNodeSchema),
    removed: z.array(flowNodeSchema),
    changed: z.array(z.object({ id: z.string(), fields: z.array(fieldChangeSchema) })),
    moved: z.array(z.object({ id: z.string(), before: positionSchema, after: positionSchema })),
  }),
  edges: z.object({ added: z.array(flowEdgeSchema), removed: z.array(flowEdgeSchema) }),
  settings: z.array(fieldChangeSchema),
});
const _diffMatchesFlow: Equal<z.infer<typeof flowDiffSchema>, FlowDiff> = true;
