import { z } from 'zod';

/** The largest n8n workflow accepted: its JSON text, in UTF-16 code units (what `JSON.stringify` measures). */
export const MAX_WORKFLOW_CHARS = 2_000_000;
/** The most nodes an n8n workflow may have (n8n's own large workflows stay well below it). */
export const MAX_WORKFLOW_NODES = 500;

const connectionTargetSchema = z.object({
  node: z.string().min(1),
  type: z.string().default('main'),
  index: z.number().int().min(0).default(0),
});

/** One output of a node: the connections leaving it (n8n writes `null` or `[]` for an output with none). */
const outputSchema = z.array(connectionTargetSchema).nullable();

const n8nNodeSchema = z.object({
  id: z.string().optional(),
  name: z.string().min(1).max(200),
  type: z.string().min(1).max(200),
  typeVersion: z.number().min(1),
  position: z.tuple([z.number().finite(), z.number().finite()]),
  parameters: z.record(z.string(), z.unknown()).default({}),
  credentials: z.record(z.string(), z.unknown()).optional(),
  disabled: z.boolean().optional(),
});

/** The n8n 1.x export format, as far as the import reads it (other top-level keys are ignored). */
export const n8nWorkflowSchema = z
  .object({
    name: z.string().max(200).optional(),
    nodes: z
      .array(n8nNodeSchema)
      .min(1, 'has no nodes')
      .max(MAX_WORKFLOW_NODES, `has more than ${MAX_WORKFLOW_NODES} nodes`),
    connections: z.record(z.string(), z.record(z.string(), z.array(outputSchema))).default({}),
    settings: z.object({ timezone: z.string().optional() }).loose().optional(),
  })
  .superRefine((workflow, ctx) => {
    const names = new Set<string>();
    workflow.nodes.forEach((node, index) => {
      if (names.has(node.name)) {
        ctx.addIssue({ code: 'custom', path: ['nodes', index, 'name'], message: `duplicate node name "${node.name}"` });
      }
      names.add(node.name);
    });
    for (const [source, byType] of Object.entries(workflow.connections)) {
      if (!names.has(source)) {
        ctx.addIssue({ code: 'custom', path: ['connections', source], message: `names an unknown node "${source}"` });
      }
      for (const [type, outputs] of Object.entries(byType)) {
        outputs.forEach((targets, output) => {
          (targets ?? []).forEach((target, position) => {
            if (!names.has(target.node)) {
              ctx.addIssue({
                code: 'custom',
                path: ['connections', source, type, output, position, 'node'],
                message: `names an unknown node "${target.node}"`,
              });
            }
          });
        });
      }
    }
  });

export type N8nWorkflow = z.infer<typeof n8nWorkflowSchema>;
export type N8nNode = N8nWorkflow['nodes'][number];

/** A problem with the input that stops the import: `path` is dotted from the workflow, e.g. `nodes.2.name`. */
export interface InputIssue {
  path: string;
  message: string;
}

/** Thrown when the input is not an n8n workflow the import can read; `issues` name each bad field. */
export class N8nWorkflowError extends Error {
  readonly issues: InputIssue[];

  constructor(issues: InputIssue[]) {
    const first = issues[0] ?? { path: 'workflow', message: 'is invalid' };
    super(`${first.path}: ${first.message}`);
    this.name = 'N8nWorkflowError';
    this.issues = issues;
  }
}

/** Reads an n8n workflow export, or throws `N8nWorkflowError` naming the fields that are wrong. */
export function parseN8nWorkflow(value: unknown): N8nWorkflow {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new N8nWorkflowError([{ path: 'workflow', message: 'must be an n8n workflow export (a JSON object)' }]);
  }
  const size = JSON.stringify(value).length;
  if (size > MAX_WORKFLOW_CHARS) {
    throw new N8nWorkflowError([
      { path: 'workflow', message: `is ${size} characters; the largest accepted is ${MAX_WORKFLOW_CHARS}` },
    ]);
  }
  if (!('nodes' in value) || !('connections' in value)) {
    throw new N8nWorkflowError([
      { path: 'workflow', message: 'is not an n8n workflow export: it needs "nodes" and "connections"' },
    ]);
  }
  const parsed = n8nWorkflowSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new N8nWorkflowError(
    parsed.error.issues.map((issue) => ({
      path: issue.path.length > 0 ? issue.path.map(String).join('.') : 'workflow',
      message: issue.message,
    })),
  );
}
