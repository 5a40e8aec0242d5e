import { z } from 'zod';
import { type EdgeId, NODE_ID_PATTERN, type NodeId } from './ids.ts';

/**
 * The flow document: what the editor draws and the server stores as a draft.  Engine policy a builder may override
 * per node (retries, timeout) lives in `settings`; the step's own inputs live in `config`, whose shape is the step
 * type's input schema (validated by the compiler, not here — the document is valid before the catalog is known).
 */
export const ON_ERROR_MODES = ['fail', 'continue', 'errorOutput'] as const;
export type OnErrorMode = (typeof ON_ERROR_MODES)[number];

/** The output port a node fires when it fails and its `settings.onError` is `errorOutput`. */
export const ERROR_PORT = 'error';
/** The output port of every node that declares no other outputs. */
export const DEFAULT_PORT = 'out';

export const retrySettingsSchema = z
  .object({
    maxAttempts: z.number().int().min(1).max(100).optional(),
    initialIntervalMs: z.number().int().min(0).max(3_600_000).optional(),
    backoffCoefficient: z.number().min(1).max(10).optional(),
    maxIntervalMs: z.number().int().min(0).max(86_400_000).optional(),
  })
  .strict();

/**
 * A node's undo step (e.g. `refund` for `charge`): a step type and its config, with its own retries and timeout.  Its
 * expressions read what the original read, plus `original.input` / `original.output` (the step it undoes).
 */
export const undoSettingsSchema = z
  .object({
    type: z.string().min(1).max(200),
    typeVersion: z.number().int().min(1),
    config: z.record(z.string(), z.unknown()),
    retry: retrySettingsSchema.optional(),
    timeoutMs: z.number().int().min(100).max(86_400_000).optional(),
  })
  .strict();

export const nodeSettingsSchema = z
  .object({
    retry: retrySettingsSchema.optional(),
    timeoutMs: z.number().int().min(100).max(86_400_000).optional(),
    /**
     * What a failure of this node does: `fail` the run (default), `continue` as if it succeeded with
     * `{ error: { message, details } }` as its output, or take the node's `error` output port instead of `out`.
     */
    onError: z.enum(ON_ERROR_MODES).optional(),
    /** The step that undoes this one when a later step fails the run (compensation, docs/adr/015). */
    undo: undoSettingsSchema.optional(),
  })
  .strict();

/** The longest run timeout a flow may set: 31 days. */
export const MAX_RUN_TIMEOUT_MS = 31 * 86_400_000;

/**
 * Flow-wide settings.  `errorFlowId`: a flow of the same workspace started with the details of every failed run.
 * `runTimeoutMs`: how long one run may take before Temporal ends it as timed out (1 s … 31 days); `null`: no limit.
 * Absent: 1 hour, unless the flow has a Wait or Sub-flow node (those may wait for days), which then get no limit
 * (`DEFAULT_RUN_TIMEOUT_MS` in the compiler).
 */
/** At most this many searchable fields per flow (each is one more item per run in Temporal's visibility store). */
export const MAX_SEARCHABLE_FIELDS = 5;
/** A searchable field's name: a letter, then letters, digits or `_`, at most 32 in all. */
export const SEARCHABLE_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_]{0,31}$/;

/**
 * A field runs can be searched by (a business key such as an order id): `expression` is a template over the
 * trigger's output, e.g. `{{ trigger.body.orderId }}`, evaluated as each run starts.
 */
export const searchableFieldSchema = z
  .object({
    name: z
      .string()
      .regex(SEARCHABLE_NAME_PATTERN, 'must start with a letter and contain only letters, digits and _ (max 32)'),
    expression: z.string().min(1).max(500),
  })
  .strict();

/** What a new event does while a run for its business key is active: wait in line, join that run, or be dropped. */
export const WHEN_KEY_RUNNING_MODES = ['queue', 'signal', 'drop'] as const;

/**
 * One active run per business key (docs/adr/014): `expression` is a template over the trigger's output, e.g.
 * `{{ trigger.body.orderId }}`, evaluated as each run starts; runs with the same value never overlap.
 */
export const businessKeySchema = z
  .object({
    expression: z.string().min(1).max(500),
    whenRunning: z.enum(WHEN_KEY_RUNNING_MODES),
  })
  .strict();

/** The most runs of one flow that may run at once (flow settings → concurrency, docs/adr/020). */
export const MAX_CONCURRENT_RUNS_LIMIT = 100;
/** The largest ceiling of runs waiting to start a flow or workspace may set (admission control, docs/adr/027). */
export const MAX_WAITING_RUNS_LIMIT = 10_000_000;

export const flowSettingsSchema = z
  .object({
    errorFlowId: z.string().min(1).max(200).optional(),
    runTimeoutMs: z.number().int().min(1_000).max(MAX_RUN_TIMEOUT_MS).nullable().optional(),
    searchable: z
      .array(searchableFieldSchema)
      .max(MAX_SEARCHABLE_FIELDS)
      .refine((fields) => new Set(fields.map((field) => field.name)).size === fields.length, 'names must be unique')
      .optional(),
    businessKey: businessKeySchema.optional(),
    /**
     * At most this many runs of the flow at once (docs/adr/020); more wait in line, in arrival order.  Absent: no
     * limit.
     */
    maxConcurrentRuns: z
      .number()
      .int('must be a whole number')
      .min(1, 'must be at least 1')
      .max(MAX_CONCURRENT_RUNS_LIMIT, `must be at most ${MAX_CONCURRENT_RUNS_LIMIT}`)
      .optional(),
    /**
     * Publishing needs a passing "Test against recent runs" of the draft being published (docs/adr/016): no run that
     * succeeded would now fail.  Counts when the published version or the draft has it on.
     */
    publishRequiresDraftTest: z.boolean().optional(),
    /**
     * `batch`: the flow's runs go one lane down (docs/adr/027) — its webhooks wait behind other flows' webhooks under
     * a backlog, its schedules behind everything.  Absent: the lane of what started the run.
     */
    lane: z.enum(['batch']).optional(),
    /**
     * At most this many of the flow's runs wait to start (docs/adr/027); past it its webhooks are answered 429 with
     * Retry-After.  Only lowers the instance's ceiling (`PIPEWRIGHT_MAX_WAITING_RUNS_PER_FLOW`).  Absent: that one.
     */
    maxWaitingRuns: z
      .number()
      .int('must be a whole number')
      .min(1, 'must be at least 1')
      .max(MAX_WAITING_RUNS_LIMIT, `must be at most ${MAX_WAITING_RUNS_LIMIT}`)
      .optional(),
  })
  .strict();

export const positionSchema = z.object({ x: z.number().finite(), y: z.number().finite() }).strict();

/** The smallest and largest side of a container node drawn on the canvas (px at zoom 1). */
export const MIN_NODE_SIDE = 80;
export const MAX_NODE_SIDE = 20_000;

const sideSchema = z
  .number()
  .finite()
  .min(MIN_NODE_SIDE, `must be at least ${MIN_NODE_SIDE} px`)
  .max(MAX_NODE_SIDE, `must be at most ${MAX_NODE_SIDE} px`);

/** The drawn size of a container node (a Loop's group box).  Layout only: it never changes what a run does. */
export const nodeSizeSchema = z.object({ width: sideSchema, height: sideSchema }).strict();

export const flowNodeSchema = z
  .object({
    id: z
      .string()
      .regex(NODE_ID_PATTERN, 'must start with a letter or _ and contain only letters, digits and _ (max 64)')
      .transform((value) => value as NodeId),
    type: z.string().min(1).max(200),
    typeVersion: z.number().int().min(1),
    title: z.string().max(200).optional(),
    position: positionSchema,
    /** A Loop's group box as the builder resized it; absent: sized to fit its body (the editor's default). */
    size: nodeSizeSchema.optional(),
    config: z.record(z.string(), z.unknown()),
    settings: nodeSettingsSchema.optional(),
    /**
     * The Loop node whose body this node belongs to (React Flow's sub-flow convention: `position` is then relative
     * to the parent).  Body nodes connect only to each other; the compiler turns them into the loop's sub-plan.
     */
    parentId: z
      .string()
      .regex(NODE_ID_PATTERN, 'must be the id of a Loop node')
      .transform((value) => value as NodeId)
      .optional(),
  })
  .strict();

export const flowEdgeSchema = z
  .object({
    id: z
      .string()
      .min(1)
      .max(200)
      .transform((value) => value as EdgeId),
    source: z
      .string()
      .min(1)
      .transform((value) => value as NodeId),
    sourcePort: z.string().min(1).max(64).default('out'),
    target: z
      .string()
      .min(1)
      .transform((value) => value as NodeId),
    targetPort: z.string().min(1).max(64).default('in'),
  })
  .strict();

/**
 * Sample outputs pinned per node id (n8n's "pin data"): what the editor's previews, autocomplete and "Test this step"
 * use as that node's output.  Test data saved with the draft, never behaviour: the compiler ignores it, published
 * versions and runs never hold it.  Sizes are limited by the server (`pinned-data.ts`).
 */
export const pinnedDataSchema = z.record(
  z.string().regex(NODE_ID_PATTERN, 'must be the id of a node of this flow'),
  z.unknown(),
);

export const flowDocumentSchema = z
  .object({
    schemaVersion: z.literal(1),
    nodes: z.array(flowNodeSchema).max(5000),
    edges: z.array(flowEdgeSchema).max(20000),
    settings: flowSettingsSchema.optional(),
    pinnedData: pinnedDataSchema.optional(),
  })
  .strict()
  .superRefine((doc, ctx) => {
    const seenNodes = new Set<string>();
    doc.nodes.forEach((node, index) => {
      if (seenNodes.has(node.id)) {
        ctx.addIssue({ code: 'custom', path: ['nodes', index, 'id'], message: `duplicate node id "${node.id}"` });
      }
      seenNodes.add(node.id);
    });
    for (const nodeId of Object.keys(doc.pinnedData ?? {})) {
      if (!seenNodes.has(nodeId)) {
        ctx.addIssue({
          code: 'custom',
          path: ['pinnedData', nodeId],
          message: `pins data to node "${nodeId}", which is not in this flow`,
        });
      }
    }
    const seenEdges = new Set<string>();
    doc.edges.forEach((edge, index) => {
      if (seenEdges.has(edge.id)) {
        ctx.addIssue({ code: 'custom', path: ['edges', index, 'id'], message: `duplicate edge id "${edge.id}"` });
      }
      seenEdges.add(edge.id);
    });
  });

export type RetrySettings = z.infer<typeof retrySettingsSchema>;
export type NodeSettings = z.infer<typeof nodeSettingsSchema>;
export type UndoSettings = z.infer<typeof undoSettingsSchema>;
export type FlowSettings = z.infer<typeof flowSettingsSchema>;
export type SearchableFieldSetting = z.infer<typeof searchableFieldSchema>;
export type BusinessKeySetting = z.infer<typeof businessKeySchema>;
export type Position = z.infer<typeof positionSchema>;
export type NodeSize = z.infer<typeof nodeSizeSchema>;
export type FlowNode = z.infer<typeof flowNodeSchema>;
export type FlowEdge = z.infer<typeof flowEdgeSchema>;
export type FlowDocument = z.infer<typeof flowDocumentSchema>;
export type PinnedData = NonNullable<FlowDocument['pinnedData']>;

export const emptyFlowDocument = (): FlowDocument => ({ schemaVersion: 1, nodes: [], edges: [] });
