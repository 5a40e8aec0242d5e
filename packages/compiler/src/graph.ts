/**
 * Topology of a flow: nodes in document order, edges whose both ends exist.  Everything here is iterative (no
 * recursion), so a 5,000-node chain cannot overflow the stack.
 */
export interface FlowGraph {
  /** Node ids in document order. */
  nodeIds: string[];
  /** Document index of each node, for deterministic tie-breaks. */
  position: Map<string, number>;
  successors: Map<string, string[]>;
  /** Direct predecessors in edge order, without duplicates. */
  predecessors: Map<string, string[]>;
}

export function buildGraph(nodeIds: string[], edges: { source: string; target: string }[]): FlowGraph {
  const position = new Map(nodeIds.map((id, index) => [id, index]));
  const successors = new Map<string, string[]>(nodeIds.map((id) => [id, []]));
  const predecessors = new Map<string, string[]>(nodeIds.map((id) => [id, []]));
  for (const edge of edges) {
    const out = successors.get(edge.source);
    const into = predecessors.get(edge.target);
    if (!out || !into) continue;
    if (!out.includes(edge.target)) out.push(edge.target);
    if (!into.includes(edge.source)) into.push(edge.source);
  }
  return { nodeIds, position, successors, predecessors };
}

/**
 * Strongly connected components that contain a cycle (two or more nodes, or one node with an edge to itself), each
 * listed in document order, ordered by their first node.  Tarjan's algorithm with an explicit stack.
 */
export function findCycles(graph: FlowGraph): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const visit = (id: string) => {
    index.set(id, counter);
    low.set(id, counter);
    counter++;
    stack.push(id);
    onStack.add(id);
  };
  const lowOf = (id: string) => low.get(id) ?? 0;

  for (const start of graph.nodeIds) {
    if (index.has(start)) continue;
    visit(start);
    const work: { id: string; next: number }[] = [{ id: start, next: 0 }];
    for (let frame = work.at(-1); frame; frame = work.at(-1)) {
      const next = (graph.successors.get(frame.id) ?? [])[frame.next];
      if (next !== undefined) {
        frame.next++;
        if (!index.has(next)) {
          visit(next);
          work.push({ id: next, next: 0 });
        } else if (onStack.has(next)) {
          low.set(frame.id, Math.min(lowOf(frame.id), index.get(next) ?? 0));
        }
        continue;
      }
      work.pop();
      const parent = work.at(-1);
      if (parent) low.set(parent.id, Math.min(lowOf(parent.id), lowOf(frame.id)));
      if (lowOf(frame.id) !== index.get(frame.id)) continue;
      const component: string[] = [];
      for (let member = stack.pop(); member !== undefined; member = stack.pop()) {
        onStack.delete(member);
        component.push(member);
        if (member === frame.id) break;
      }
      const selfLoop = (graph.successors.get(frame.id) ?? []).includes(frame.id);
      if (component.length > 1 || selfLoop) cycles.push(sortByDocument(graph, component));
    }
  }
  return cycles.sort((a, b) => positionOf(graph, a[0]) - positionOf(graph, b[0]));
}

/** Every node reachable from `roots` by following edges forward (roots included). */
export function reachableFrom(graph: FlowGraph, roots: string[]): Set<string> {
  return walk(roots, graph.successors, true);
}

/** Transitive predecessors of a node: the nodes that have finished before it runs (the node itself excluded). */
export function ancestorsOf(graph: FlowGraph, nodeId: string): Set<string> {
  const ancestors = walk([nodeId], graph.predecessors, false);
  ancestors.delete(nodeId);
  return ancestors;
}

/**
 * Kahn's algorithm; among nodes that are ready at the same time, the one earlier in the document goes first.
 * Nodes on (or downstream of) a cycle are left out: callers reject cyclic flows before ordering them.
 */
export function topologicalOrder(graph: FlowGraph): string[] {
  const remaining = new Map(graph.nodeIds.map((id) => [id, graph.predecessors.get(id)?.length ?? 0]));
  const ready = graph.nodeIds.filter((id) => remaining.get(id) === 0);
  const order: string[] = [];
  while (ready.length > 0) {
    let best = 0;
    for (let i = 1; i < ready.length; i++) {
      if (positionOf(graph, ready[i]) < positionOf(graph, ready[best])) best = i;
    }
    const [id] = ready.splice(best, 1);
    if (id === undefined) break;
    order.push(id);
    for (const next of graph.successors.get(id) ?? []) {
      const left = (remaining.get(next) ?? 0) - 1;
      remaining.set(next, left);
      if (left === 0) ready.push(next);
    }
  }
  return order;
}

function walk(roots: string[], links: Map<string, string[]>, includeRoots: boolean): Set<string> {
  const seen = new Set<string>(includeRoots ? roots : []);
  const queue = [...roots];
  for (let id = queue.pop(); id !== undefined; id = queue.pop()) {
    for (const next of links.get(id) ?? []) {
      if (seen.has(next)) continue;
      seen.add(next);
      queue.push(next);
    }
  }
  return seen;
}

function positionOf(graph: FlowGraph, id: string | undefined): number {
  return id === undefined ? Number.MAX_SAFE_INTEGER : (graph.position.get(id) ?? Number.MAX_SAFE_INTEGER);
}

function sortByDocument(graph: FlowGraph, ids: string[]): string[] {
  return [...ids].sort((a, b) => positionOf(graph, a) - positionOf(graph, b));
}
