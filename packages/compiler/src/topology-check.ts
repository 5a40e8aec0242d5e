import type { FlowDocument, FlowEdge } from '@pipewright/flow';
import type { CompileError } from './compile-result.ts';
import { buildGraph, type FlowGraph, findCycles, reachableFrom } from './graph.ts';

/**
 * The flow's shape: exactly one trigger and nothing into it, connections between existing nodes (`edges`: those),
 * no cycles, every node reachable from the trigger.
 */
export function checkTopology(
  doc: FlowDocument,
  triggerIds: string[],
): { graph: FlowGraph; edges: FlowEdge[]; errors: CompileError[] } {
  const errors: CompileError[] = [];
  const [firstTrigger, ...extraTriggers] = triggerIds;
  if (firstTrigger === undefined) {
    errors.push({
      code: 'no_trigger',
      message: 'The flow has no trigger: add one (for example a Webhook) to say what starts a run',
    });
  }
  for (const id of extraTriggers) {
    errors.push({
      code: 'multiple_triggers',
      nodeId: id,
      message: `Node "${id}" is a second trigger; a flow has exactly one (the first is "${firstTrigger}")`,
    });
  }

  const nodeIds = new Set<string>(doc.nodes.map((node) => node.id));
  const triggers = new Set(triggerIds);
  const edges: FlowEdge[] = [];
  for (const edge of doc.edges) {
    let dangling = false;
    for (const end of ['source', 'target'] as const) {
      if (nodeIds.has(edge[end])) continue;
      dangling = true;
      errors.push({
        code: 'dangling_edge',
        edgeId: edge.id,
        field: end,
        message: `Connection "${edge.id}" ${end === 'source' ? 'starts at' : 'leads to'} node "${edge[end]}", which does not exist`,
      });
    }
    if (dangling) continue;
    if (triggers.has(edge.target)) {
      errors.push({
        code: 'trigger_has_input',
        nodeId: edge.target,
        edgeId: edge.id,
        field: 'target',
        message: `Trigger "${edge.target}" has an incoming connection from "${edge.source}"; a trigger starts the flow and takes no input`,
      });
    }
    edges.push(edge);
  }

  const graph = buildGraph([...nodeIds], edges);
  errors.push(...cycleErrors(graph));
  if (triggerIds.length > 0) {
    const reachable = reachableFrom(graph, triggerIds);
    for (const id of nodeIds) {
      if (reachable.has(id)) continue;
      errors.push({
        code: 'unreachable_node',
        nodeId: id,
        message: `Node "${id}" is not connected to the trigger, so it would never run`,
      });
    }
  }
  return { graph, edges, errors };
}

/** One `cycle` error per node on a cycle, naming the whole loop. */
export function cycleErrors(graph: FlowGraph): CompileError[] {
  return findCycles(graph).flatMap((cycle) => {
    const loop = [...cycle, cycle[0]].map((id) => `"${id}"`).join(' → ');
    return cycle.map(
      (id): CompileError => ({
        code: 'cycle',
        nodeId: id,
        message: `Node "${id}" is part of a loop (${loop}); remove a connection that leads back`,
      }),
    );
  });
}
