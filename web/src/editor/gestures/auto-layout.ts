// dagre rather than elkjs: it is small (~60 kB minified with graphlib, against ~1.5 MB for elkjs) and synchronous,
// so a layout is one pure function call that a unit test can run and the undo stack can record as one moveNodes;
// elkjs's extra power (ports, orthogonal routing) does not pay for a web worker and a promise here.
import { type EdgeLabel, type GraphLabel, graphlib, layout, type NodeLabel } from '@dagrejs/dagre';
import type { FlowDocument, FlowNode, NodeId, NodeSize, Position } from '@pipewright/flow';
import type { NodeMove } from './align-distribute.ts';
import { type MeasuredSizes, sizeOf } from './node-geometry.ts';

/** Gaps between columns (ranks) and between nodes in a column, at zoom 1. */
export const LAYOUT_SPACING = { rank: 90, node: 40 } as const;
/**
 * Room inside a Loop's box around its body: the header above, a margin on the other sides (the same room the canvas's
 * Loop group keeps: a body starts at 24, 64 and an unsized Loop fits its body plus 32).
 */
export const LOOP_PADDING = { left: 24, top: 64, right: 32, bottom: 32 } as const;

interface Box {
  width: number;
  height: number;
}

export interface LayoutChanges {
  /** The nodes that move (stored positions, rounded). */
  moves: NodeMove[];
  /** Loops a builder resized smaller than their laid-out body needs: they grow to fit it (never shrink). */
  resizes: { nodeId: NodeId; size: NodeSize }[];
}

/**
 * Lays the flow out left to right, as a builder reads it.  Each loop body is laid out on its own inside its Loop
 * (positions relative to the Loop, below its header), innermost first, and a Loop then takes part in the outer layout
 * at the size its body needs.  The top level keeps its current top-left corner, so the flow does not jump away from
 * the viewport.
 */
export function layoutChanges(doc: FlowDocument, measured: MeasuredSizes): LayoutChanges {
  const byId = new Map<string, FlowNode>(doc.nodes.map((node) => [node.id, node]));
  const groupOf = (node: FlowNode) =>
    node.parentId !== undefined && byId.has(node.parentId) && node.parentId !== node.id ? node.parentId : '';
  const members = new Map<string, FlowNode[]>();
  for (const node of doc.nodes) members.set(groupOf(node), [...(members.get(groupOf(node)) ?? []), node]);

  const targets = new Map<string, Position>();
  const sizes = new Map<string, Box>();
  const resizes: LayoutChanges['resizes'] = [];
  const laidOut = new Set<string>();

  /** The member of `group` that contains `nodeId` (itself, or the Loop it sits in, however deep). */
  const liftTo = (group: string, nodeId: string): string | undefined => {
    const seen = new Set<string>();
    let current = byId.get(nodeId);
    while (current && !seen.has(current.id)) {
      if (groupOf(current) === group) return current.id;
      seen.add(current.id);
      current = byId.get(groupOf(current));
    }
    return undefined;
  };

  const boxOf = (node: FlowNode): Box => {
    const own = sizeOf(node, measured);
    if (!members.has(node.id)) return own;
    const body = layoutGroup(node.id);
    const box = {
      width: Math.max(own.width, Math.ceil(body.width + LOOP_PADDING.left + LOOP_PADDING.right)),
      height: Math.max(own.height, Math.ceil(body.height + LOOP_PADDING.top + LOOP_PADDING.bottom)),
    };
    // An unsized Loop is drawn to fit its body anyway; a resized one keeps its size unless the body outgrows it.
    if (node.size && (box.width > node.size.width || box.height > node.size.height)) {
      resizes.push({
        nodeId: node.id,
        size: { width: Math.max(node.size.width, box.width), height: Math.max(node.size.height, box.height) },
      });
    }
    return box;
  };

  /** Lays out one group's members; returns the size of what it laid out. */
  function layoutGroup(group: string): Box {
    const done = sizes.get(group);
    if (done) return done;
    // A parent cycle in a hostile document: lay nothing out twice.
    if (laidOut.has(group)) return { width: 0, height: 0 };
    laidOut.add(group);
    const nodes = members.get(group) ?? [];
    const graph = new graphlib.Graph<GraphLabel, NodeLabel, EdgeLabel>({ multigraph: false });
    graph.setGraph({
      rankdir: 'LR',
      ranksep: LAYOUT_SPACING.rank,
      nodesep: LAYOUT_SPACING.node,
      marginx: 0,
      marginy: 0,
    });
    graph.setDefaultEdgeLabel(() => ({}));
    // A fresh label per node: dagre writes x/y into it, and sizes may be shared objects (the default, the store's).
    for (const node of nodes) {
      const { width, height } = boxOf(node);
      graph.setNode(node.id, { width, height });
    }
    for (const edge of doc.edges) {
      const source = liftTo(group, edge.source);
      const target = liftTo(group, edge.target);
      if (source !== undefined && target !== undefined && source !== target) graph.setEdge(source, target);
    }
    layout(graph);

    const placed = nodes.map((node) => {
      const label = graph.node(node.id);
      return { node, x: (label.x ?? 0) - label.width / 2, y: (label.y ?? 0) - label.height / 2, label };
    });
    const minX = Math.min(...placed.map((entry) => entry.x));
    const minY = Math.min(...placed.map((entry) => entry.y));
    const origin =
      group === ''
        ? {
            x: Math.min(...nodes.map((node) => node.position.x)),
            y: Math.min(...nodes.map((node) => node.position.y)),
          }
        : { x: LOOP_PADDING.left, y: LOOP_PADDING.top };
    for (const { node, x, y } of placed) {
      targets.set(node.id, { x: Math.round(origin.x + x - minX), y: Math.round(origin.y + y - minY) });
    }
    const box = {
      width: Math.max(0, ...placed.map((entry) => entry.x - minX + entry.label.width)),
      height: Math.max(0, ...placed.map((entry) => entry.y - minY + entry.label.height)),
    };
    sizes.set(group, box);
    return box;
  }

  if (doc.nodes.length === 0) return { moves: [], resizes: [] };
  layoutGroup('');
  // Loops whose parent chain never reaches the top level (a cycle) still get their bodies laid out.
  for (const group of members.keys()) layoutGroup(group);

  const moves: NodeMove[] = [];
  for (const node of doc.nodes) {
    const position = targets.get(node.id);
    if (position && (position.x !== node.position.x || position.y !== node.position.y)) {
      moves.push({ nodeId: node.id, position });
    }
  }
  return { moves, resizes };
}
