import { controlStepFor } from '@pipewright/control-steps';
import type { FlowCommand, FlowDocument, FlowNode, NodeId, NodeSize, Position } from '@pipewright/flow';

/**
 * Loops drawn as containers (React Flow's sub-flow convention): a body node has `parentId` = its Loop and a position
 * relative to the Loop's top-left corner.  Pure functions over the document, so drops, resizes and the canvas order
 * are tested without a browser.
 */

/** A step node's size before React Flow has measured it (what `StepNode` usually measures). */
export const DEFAULT_STEP_SIZE: NodeSize = { width: 220, height: 64 };
/** An empty Loop's box; a Loop with a body but no stored size fits its body, never smaller than this. */
export const DEFAULT_LOOP_SIZE: NodeSize = { width: 360, height: 220 };
/** Room kept right of and below a body that an unsized Loop fits. */
const FIT_PADDING = 32;

export type Sizes = Readonly<Record<string, { width: number; height: number }>>;
type Move = { nodeId: NodeId; position: Position };

export const isLoopNode = (node: Pick<FlowNode, 'type'>): boolean => controlStepFor(node.type)?.kind === 'loop';

const childrenIndexes = new WeakMap<readonly FlowNode[], Map<string, FlowNode[]>>();

/** parent id → its body nodes, once per document change. */
export function childrenOf(nodes: readonly FlowNode[]): Map<string, FlowNode[]> {
  let index = childrenIndexes.get(nodes);
  if (!index) {
    index = new Map();
    for (const node of nodes) {
      if (node.parentId === undefined) continue;
      const list = index.get(node.parentId) ?? [];
      list.push(node);
      index.set(node.parentId, list);
    }
    childrenIndexes.set(nodes, index);
  }
  return index;
}

/** The Loop's box: as the builder resized it, else fitted around its body (from the body's stored positions). */
export function loopSizeOf(loop: FlowNode, nodes: readonly FlowNode[]): NodeSize {
  if (loop.size) return loop.size;
  let width = DEFAULT_LOOP_SIZE.width;
  let height = DEFAULT_LOOP_SIZE.height;
  for (const child of childrenOf(nodes).get(loop.id) ?? []) {
    const size = isLoopNode(child) ? loopSizeOf(child, nodes) : DEFAULT_STEP_SIZE;
    width = Math.max(width, Math.round(child.position.x + size.width + FIT_PADDING));
    height = Math.max(height, Math.round(child.position.y + size.height + FIT_PADDING));
  }
  return { width, height };
}

/** The node's position on the canvas (its own plus every ancestor's); a missing parent counts as the top level. */
export function absolutePositionOf(node: FlowNode, byId: ReadonlyMap<string, FlowNode>): Position {
  let { x, y } = node.position;
  const seen = new Set<string>([node.id]);
  for (let parent = parentOf(node, byId); parent && !seen.has(parent.id); parent = parentOf(parent, byId)) {
    seen.add(parent.id);
    x += parent.position.x;
    y += parent.position.y;
  }
  return { x, y };
}

const parentOf = (node: FlowNode, byId: ReadonlyMap<string, FlowNode>): FlowNode | undefined =>
  node.parentId === undefined ? undefined : byId.get(node.parentId);

/** The node's nesting depth (0: top level), guarded against parent cycles a hand-edited document may hold. */
function depthOf(node: FlowNode, byId: ReadonlyMap<string, FlowNode>): number {
  let depth = 0;
  const seen = new Set<string>([node.id]);
  for (let parent = parentOf(node, byId); parent && !seen.has(parent.id); parent = parentOf(parent, byId)) {
    seen.add(parent.id);
    depth++;
  }
  return depth;
}

/**
 * React Flow needs every parent before its children in the nodes array; the document keeps insertion order (a node
 * may join a Loop added after it).  Returns the same array when it is already in order.
 */
export function orderParentsFirst(nodes: readonly FlowNode[]): readonly FlowNode[] {
  if (!nodes.some((node) => node.parentId !== undefined)) return nodes;
  const byId = new Map(nodes.map((node) => [node.id as string, node]));
  const placed = new Set<string>();
  const inOrder = nodes.every((node) => {
    placed.add(node.id);
    const parent = parentOf(node, byId);
    return parent === undefined || placed.has(parent.id);
  });
  if (inOrder) return nodes;
  return nodes
    .map((node, index) => ({ node, index, depth: depthOf(node, byId) }))
    .sort((a, b) => a.depth - b.depth || a.index - b.index)
    .map((entry) => entry.node);
}

/** The node and everything inside it (a Loop's body, nested Loops' bodies): none of them can become its parent. */
function withDescendants(nodeId: string, nodes: readonly FlowNode[]): Set<string> {
  const out = new Set<string>([nodeId]);
  const children = childrenOf(nodes);
  const queue = [nodeId];
  for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
    for (const child of children.get(id) ?? []) {
      if (out.has(child.id)) continue;
      out.add(child.id);
      queue.push(child.id);
    }
  }
  return out;
}

/**
 * The innermost Loop whose box holds `point` (canvas coordinates), skipping `excluded`.  Deeper Loops win; among
 * equals, the later one in the document (drawn on top).
 */
export function loopAt(
  nodes: readonly FlowNode[],
  point: Position,
  excluded: ReadonlySet<string> = new Set(),
): FlowNode | undefined {
  const byId = new Map(nodes.map((node) => [node.id as string, node]));
  let best: { node: FlowNode; depth: number } | undefined;
  for (const node of nodes) {
    if (!isLoopNode(node) || excluded.has(node.id)) continue;
    const origin = absolutePositionOf(node, byId);
    const size = loopSizeOf(node, nodes);
    const inside =
      point.x >= origin.x &&
      point.x <= origin.x + size.width &&
      point.y >= origin.y &&
      point.y <= origin.y + size.height;
    if (!inside) continue;
    const depth = depthOf(node, byId);
    if (!best || depth >= best.depth) best = { node, depth };
  }
  return best?.node;
}

/**
 * Nodes dropped after a drag, with their Loop membership decided by where they landed: a node whose centre is
 * inside a Loop's box joins that Loop's body (position made relative to it); a body node dropped outside its Loop
 * leaves it (position made absolute, or relative to the Loop it landed in).  Positions in `moves` are as React Flow
 * reports them: relative to the node's current parent.  A node dragged together with its Loop stays in it.
 * Returns the moves in their new frames and the `parentId` updates, to be dispatched as one command.
 */
export function dropIntoLoops(
  doc: FlowDocument,
  moves: readonly Move[],
  sizes: Sizes = {},
): { moves: Move[]; reparent: FlowCommand[] } {
  const byId = new Map(doc.nodes.map((node) => [node.id as string, node]));
  const movedIds = new Set<string>(moves.map((move) => move.nodeId));
  const out: Move[] = [];
  const reparent: FlowCommand[] = [];
  for (const move of moves) {
    const node = byId.get(move.nodeId);
    if (!node || hasMovedAncestor(node, byId, movedIds)) {
      out.push(move);
      continue;
    }
    const parent = parentOf(node, byId);
    const parentOrigin = parent ? absolutePositionOf(parent, byId) : { x: 0, y: 0 };
    const absolute = { x: parentOrigin.x + move.position.x, y: parentOrigin.y + move.position.y };
    const size = isLoopNode(node) ? loopSizeOf(node, doc.nodes) : (sizes[node.id] ?? DEFAULT_STEP_SIZE);
    const centre = { x: absolute.x + size.width / 2, y: absolute.y + size.height / 2 };
    const target = loopAt(doc.nodes, centre, withDescendants(node.id, doc.nodes));
    if (target?.id === parent?.id) {
      out.push(move);
      continue;
    }
    const origin = target ? absolutePositionOf(target, byId) : { x: 0, y: 0 };
    out.push({
      nodeId: move.nodeId,
      position: { x: Math.round(absolute.x - origin.x), y: Math.round(absolute.y - origin.y) },
    });
    reparent.push({ kind: 'updateNode', nodeId: move.nodeId, patch: { parentId: target?.id } });
  }
  return { moves: out, reparent };
}

function hasMovedAncestor(node: FlowNode, byId: ReadonlyMap<string, FlowNode>, moved: ReadonlySet<string>): boolean {
  const seen = new Set<string>([node.id]);
  for (let parent = parentOf(node, byId); parent && !seen.has(parent.id); parent = parentOf(parent, byId)) {
    if (moved.has(parent.id)) return true;
    seen.add(parent.id);
  }
  return false;
}

/**
 * The one command a finished resize becomes: the Loop's new size, plus the positions React Flow moved while the box
 * was resized from its top or left edge (the Loop itself, and its body nodes kept in place on the canvas).
 * Undefined when nothing changed (a click on a resize handle).
 */
export function resizeCommand(
  doc: FlowDocument,
  input: { nodeId: NodeId; size: NodeSize; positions: Readonly<Record<string, Position>> },
): FlowCommand | undefined {
  const size = { width: Math.round(input.size.width), height: Math.round(input.size.height) };
  const loop = doc.nodes.find((node) => node.id === input.nodeId);
  if (!loop) return undefined;
  const commands: FlowCommand[] = [];
  if (loop.size?.width !== size.width || loop.size.height !== size.height) {
    commands.push({ kind: 'updateNode', nodeId: input.nodeId, patch: { size } });
  }
  const moves: Move[] = [];
  for (const node of doc.nodes) {
    if (node.id !== input.nodeId && node.parentId !== input.nodeId) continue;
    const position = input.positions[node.id];
    if (!position || (position.x === node.position.x && position.y === node.position.y)) continue;
    moves.push({ nodeId: node.id, position: { x: Math.round(position.x), y: Math.round(position.y) } });
  }
  if (moves.length) commands.push({ kind: 'moveNodes', moves });
  if (commands.length === 0) return undefined;
  return commands.length === 1 && commands[0] ? commands[0] : { kind: 'batch', commands };
}

/**
 * What a node adds to its React Flow node as part of a Loop: its parent (only when that node exists, or React Flow
 * refuses the node), and for a Loop its group type and box (a resize in progress wins over the stored size).
 */
export function groupFieldsOf(
  node: FlowNode,
  nodes: readonly FlowNode[],
  byId: ReadonlyMap<string, FlowNode>,
  resizeSizes: Readonly<Record<string, NodeSize>>,
): { type: 'loop' | 'step'; parentId?: string; width?: number; height?: number } {
  const parentId = node.parentId !== undefined && byId.has(node.parentId) ? { parentId: node.parentId } : {};
  if (!isLoopNode(node)) return { type: 'step', ...parentId };
  const size = resizeSizes[node.id] ?? loopSizeOf(node, nodes);
  return { type: 'loop', ...parentId, width: size.width, height: size.height };
}

/** A new node dropped on the canvas (from the palette): inside the Loop under its centre, if any. */
export function placeInLoop(nodes: readonly FlowNode[], node: FlowNode): FlowNode {
  const centre = {
    x: node.position.x + DEFAULT_STEP_SIZE.width / 2,
    y: node.position.y + DEFAULT_STEP_SIZE.height / 2,
  };
  const loop = loopAt(nodes, centre);
  if (!loop) return node;
  const origin = absolutePositionOf(loop, new Map(nodes.map((other) => [other.id as string, other])));
  return {
    ...node,
    parentId: loop.id,
    position: { x: Math.round(node.position.x - origin.x), y: Math.round(node.position.y - origin.y) },
  };
}

/** Where a step added to a Loop's body without a drag lands: below the header, under the body's lowest node. */
const BODY_ORIGIN: Position = { x: 24, y: 64 };

/**
 * Moving a node into a Loop's body or out of it without a drag (the inspector's keyboard fallback), as one command:
 * a node leaving keeps its place on the canvas; a node joining goes inside the box, below the body's nodes.
 */
export function reparentCommand(
  doc: FlowDocument,
  { nodeId, parentId }: { nodeId: NodeId; parentId: NodeId | undefined },
): FlowCommand | undefined {
  const byId = new Map(doc.nodes.map((node) => [node.id as string, node]));
  const node = byId.get(nodeId);
  if (!node || node.parentId === parentId) return undefined;
  let position: Position;
  if (parentId === undefined) position = absolutePositionOf(node, byId);
  else {
    const body = (childrenOf(doc.nodes).get(parentId) ?? []).filter((child) => child.id !== nodeId);
    const bottom = Math.max(BODY_ORIGIN.y - 24, ...body.map((child) => child.position.y + DEFAULT_STEP_SIZE.height));
    position = { x: BODY_ORIGIN.x, y: bottom + 24 };
  }
  return {
    kind: 'batch',
    commands: [
      { kind: 'updateNode', nodeId, patch: { parentId } },
      { kind: 'moveNodes', moves: [{ nodeId, position }] },
    ],
  };
}

/** The given nodes and everything inside those that are Loops (nested bodies too), in document order. */
export function withBodies(nodes: readonly FlowNode[], nodeIds: readonly string[]): Set<NodeId> {
  const wanted = new Set<string>();
  for (const id of nodeIds) for (const member of withDescendants(id, nodes)) wanted.add(member);
  return new Set(nodes.filter((node) => wanted.has(node.id)).map((node) => node.id));
}
