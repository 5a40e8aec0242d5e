import { controlStepFor } from '@pipewright/control-steps';
import type { FlowDocument, FlowEdge, FlowNode } from '@pipewright/flow';
import type { StepManifest } from '@pipewright/step-sdk';
import type { CompileError } from './compile-result.ts';
import { buildGraph, type FlowGraph } from './graph.ts';
import { cycleErrors } from './topology-check.ts';

/** A node whose children (`parentId`) form a body: a Loop. */
const isContainer = (node: FlowNode): boolean => controlStepFor(node.type)?.kind === 'loop';

/** The nodes and connections at one level: the flow itself, or one loop's body. */
export interface Scope {
  nodes: FlowNode[];
  edges: FlowEdge[];
}

/**
 * Splits a document by `parentId` into the top level and one scope per loop body.  Refuses a parent that is missing,
 * not a Loop, or part of a parent cycle (such nodes join no scope), a trigger inside a body, a connection between
 * scopes (dropped), and a Loop with nothing inside it.  Connections naming a missing node stay at the top level, so
 * the usual `dangling_edge` check reports them.
 */
export function splitScopes(
  doc: FlowDocument,
  manifests: Map<string, StepManifest>,
): { top: Scope; bodies: Map<string, Scope>; errors: CompileError[] } {
  const errors: CompileError[] = [];
  const byId = new Map(doc.nodes.map((node) => [node.id as string, node]));
  const top: Scope = { nodes: [], edges: [] };
  const bodies = new Map<string, Scope>();
  for (const node of doc.nodes) if (isContainer(node)) bodies.set(node.id, { nodes: [], edges: [] });
  const scopeOf = new Map<string, string>();

  for (const node of doc.nodes) {
    const problem = parentProblem(node, byId);
    if (problem) {
      errors.push({ code: 'invalid_parent', nodeId: node.id, field: 'parentId', message: problem });
      continue;
    }
    if (node.parentId !== undefined && manifests.get(node.id)?.kind === 'trigger') {
      errors.push({
        code: 'invalid_parent',
        nodeId: node.id,
        field: 'parentId',
        message: `Trigger "${node.id}" cannot be inside loop "${node.parentId}"; a trigger starts the whole flow`,
      });
      continue;
    }
    const scope = node.parentId === undefined ? top : bodies.get(node.parentId);
    scope?.nodes.push(node);
    scopeOf.set(node.id, node.parentId ?? '');
  }

  for (const edge of doc.edges) {
    const from = scopeOf.get(edge.source);
    const to = scopeOf.get(edge.target);
    if (!byId.has(edge.source) || !byId.has(edge.target)) top.edges.push(edge);
    else if (from === undefined || to === undefined) continue;
    else if (from !== to) {
      errors.push({
        code: 'edge_crosses_loop',
        edgeId: edge.id,
        nodeId: edge.target,
        field: 'target',
        message: `Connection "${edge.id}" from "${edge.source}" to "${edge.target}" crosses the edge of a loop body; nodes inside a Loop connect only to each other (the body gets each item as input, the Loop's output is the list of results)`,
      });
    } else (from === '' ? top : bodies.get(from))?.edges.push(edge);
  }

  for (const [loopId, body] of bodies) {
    if (!scopeOf.has(loopId) || body.nodes.length > 0) continue;
    errors.push({
      code: 'loop_needs_body',
      nodeId: loopId,
      field: 'body',
      message: `Loop "${loopId}" has no steps inside it; drop the steps to run for each item into the loop`,
    });
  }
  return { top, bodies, errors };
}

function parentProblem(node: FlowNode, byId: Map<string, FlowNode>): string | undefined {
  if (node.parentId === undefined) return undefined;
  const parent = byId.get(node.parentId);
  if (!parent) return `Node "${node.id}" is inside "${node.parentId}", which does not exist`;
  if (!isContainer(parent)) return `Node "${node.id}" is inside "${node.parentId}", which is not a Loop`;
  const seen = new Set<string>([node.id]);
  for (let at: FlowNode | undefined = parent; at?.parentId !== undefined; at = byId.get(at.parentId)) {
    if (seen.has(at.id)) return `Node "${node.id}" is inside a loop that is (indirectly) inside itself`;
    seen.add(at.id);
  }
  return undefined;
}

/** A body's graph, its cycles refused like the flow's, and its entry nodes (no incoming connection). */
export function checkBodyTopology(scope: Scope): { graph: FlowGraph; entry: string[]; errors: CompileError[] } {
  const graph = buildGraph(
    scope.nodes.map((node) => node.id),
    scope.edges,
  );
  const entry = graph.nodeIds.filter((id) => (graph.predecessors.get(id) ?? []).length === 0);
  return { graph, entry, errors: cycleErrors(graph) };
}
