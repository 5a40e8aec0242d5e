import { controlStepFor } from '@pipewright/control-steps';
import type { FlowDocument, FlowEdge, FlowNode } from '@pipewright/flow';
import type { StepManifest } from '@pipewright/step-sdk';
import { checkExpressions } from './check-expressions.ts';
import type { CatalogLookup } from './compile-options.ts';
import type { CompileError } from './compile-result.ts';
import { createRunGuarantees } from './control-flow.ts';
import { ancestorsOf, type FlowGraph, topologicalOrder } from './graph.ts';
import { checkReservedKeys } from './reserved-keys-check.ts';
import { checkUndo } from './undo-steps.ts';
import { validateConfig } from './validate-config.ts';

/** What a scope's expressions may read besides their own scope: every node id, and outer nodes certain to have run. */
export interface ScopeCheck {
  allNodeIds: ReadonlySet<string>;
  outerAllowed: ReadonlySet<string>;
}

/** Whether `referenced` has certainly finished whenever `nodeId` runs (undefined: unknown, e.g. on a cycle). */
export type HasRun = (nodeId: string, referenced: string) => boolean | undefined;

/**
 * Each node of one scope: reserved names, config against the step's schema, and every expression's syntax and
 * references.  `hasRun` gives the scope's run guarantees (computed on first use: most flows never need them).
 */
export function checkNodes(input: {
  doc: FlowDocument;
  graph: FlowGraph;
  edges: FlowEdge[];
  manifests: Map<string, StepManifest>;
  scope: ScopeCheck;
  /** To check nodes' undo steps (`settings.undo`); bodies pass none (an undo there is refused by the top level). */
  catalog?: CatalogLookup;
}): { errors: CompileError[]; hasRun: () => HasRun } {
  const { doc, graph, edges, manifests, scope, catalog } = input;
  const nodes = new Map(doc.nodes.map((node) => [node.id as string, node]));
  let hasRun: HasRun | undefined;
  const guarantees = () => {
    hasRun ??= createRunGuarantees({ order: topologicalOrder(graph), nodes, edges, manifests });
    return hasRun;
  };
  const errors: CompileError[] = [];
  for (const node of doc.nodes) {
    errors.push(...checkReservedKeys(node));
    const manifest = manifests.get(node.id);
    if (manifest) errors.push(...configErrors(node, manifest));
    let ancestors: ReadonlySet<string> | undefined;
    const reads = {
      allNodeIds: scope.allNodeIds,
      ancestors: () => {
        ancestors ??= new Set([...ancestorsOf(graph, node.id), ...scope.outerAllowed]);
        return ancestors;
      },
      hasRun: (referenced: string) => scope.outerAllowed.has(referenced) || guarantees()(node.id, referenced),
    };
    errors.push(
      ...checkExpressions({
        nodeId: node.id,
        // What a loop reads in its body (stopWhen) is checked with the body.
        config: controlStepFor(node.type, 'loop')?.nodeConfigOf(node.config) ?? node.config,
        ...reads,
      }),
    );
    if (catalog) errors.push(...checkUndo({ node, manifest, catalog, expressions: reads }));
  }
  return { errors, hasRun: guarantees };
}

/** The node's config against its step's input schema, fields named by their inspector labels. */
function configErrors(node: FlowNode, manifest: StepManifest): CompileError[] {
  const labels: Record<string, string> = {};
  for (const [name, hint] of Object.entries(manifest.ui)) if (hint.label) labels[name] = hint.label;
  return validateConfig(node.config, manifest.inputSchema, labels).map((issue) => ({
    code: 'invalid_config',
    nodeId: node.id,
    field: issue.field,
    message: issue.message,
  }));
}
