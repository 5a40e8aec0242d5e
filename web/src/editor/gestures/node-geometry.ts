import type { FlowDocument, FlowNode, NodeId, Position } from '@pipewright/flow';

/** A node's box on the canvas, in flow coordinates (absolute: a loop body node's parent offset included). */
export interface NodeRect {
  id: NodeId;
  x: number;
  y: number;
  width: number;
  height: number;
}

export type MeasuredSizes = Readonly<Record<string, { width: number; height: number } | undefined>>;

/** What a step node measures before React Flow has measured it (the `.step-node` CSS width and its usual height). */
export const DEFAULT_NODE_SIZE = { width: 220, height: 64 } as const;

/**
 * Absolute position of a node: React Flow's sub-flow convention stores a loop body node relative to its parent.
 * A parent chain that loops or points at a missing node ends there (the document schema does not forbid it).
 */
export function absolutePosition(byId: ReadonlyMap<string, FlowNode>, node: FlowNode): Position {
  let x = node.position.x;
  let y = node.position.y;
  const seen = new Set<string>([node.id]);
  let parent = node.parentId === undefined ? undefined : byId.get(node.parentId);
  while (parent && !seen.has(parent.id)) {
    seen.add(parent.id);
    x += parent.position.x;
    y += parent.position.y;
    parent = parent.parentId === undefined ? undefined : byId.get(parent.parentId);
  }
  return { x, y };
}

export function sizeOf(node: FlowNode, measured: MeasuredSizes): { width: number; height: number } {
  return measured[node.id] ?? DEFAULT_NODE_SIZE;
}

/** The absolute boxes of the given nodes (all nodes when `ids` is absent), in document order. */
export function nodeRects(doc: FlowDocument, measured: MeasuredSizes, ids?: readonly string[]): NodeRect[] {
  const byId = new Map<string, FlowNode>(doc.nodes.map((node) => [node.id, node]));
  const wanted = ids ? new Set(ids) : null;
  return doc.nodes
    .filter((node) => wanted === null || wanted.has(node.id))
    .map((node) => ({ id: node.id, ...absolutePosition(byId, node), ...sizeOf(node, measured) }));
}

/** Turns an absolute target back into the position the document stores (relative to the parent, if any). */
export function toStoredPosition(byId: ReadonlyMap<string, FlowNode>, node: FlowNode, absolute: Position): Position {
  const parent = node.parentId === undefined ? undefined : byId.get(node.parentId);
  if (!parent) return { x: Math.round(absolute.x), y: Math.round(absolute.y) };
  const origin = absolutePosition(byId, parent);
  return { x: Math.round(absolute.x - origin.x), y: Math.round(absolute.y - origin.y) };
}
