import { getBezierPath, type InternalNode, Position } from '@xyflow/react';
import type { StepFlowEdge, StepFlowNode } from './editor.selectors.ts';

/**
 * A big flow zoomed out, drawn as a few SVG paths instead of one element per edge and node.
 *
 * Measured in headless Chromium (software compositing, scripts/bench-editor.ts), a pan frame of a 1,000-node flow was
 * mostly the browser walking React Flow's elements — each edge is its own absolutely positioned <svg> and each node
 * its own transformed box, so ~2,200 paint layers to hit-test, paint and layerize on every mouse move — and React
 * Flow's per-edge store subscriptions, which recompute every edge's end points on every viewport change.  Zoomed out,
 * the edges are drawn here as three paths (plain, selected, error) that move with the viewport and are rebuilt only
 * when a node moves; while the pane is dragged, the nodes are drawn here too and React Flow's own nodes are hidden.
 */

/** The paths of some of the overview's edges, in flow coordinates, by how they are drawn. */
export interface EdgePathGroup {
  plain: string;
  selected: string;
  error: string;
}

/**
 * The overview's edges: the ones just redrawn because a node at an end moved (a node being dragged) apart from the
 * rest, so that a drag frame changes one short path and the browser does not parse and repaint all the others.
 */
export interface EdgePaths extends EdgePathGroup {
  moving: EdgePathGroup;
}

/** More edges redrawn at once than this (the first build, an auto-layout) are not "moving": one path for them all. */
const MOVING_AT_MOST = 64;

/** The overview's nodes as rectangles (flow coordinates), by fill. */
export interface NodeRects {
  /** Step boxes, by border colour (their status), and loop containers. */
  boxes: Map<string, string>;
  loops: string;
  /** The coloured icon squares, by the node's kind. */
  icons: Map<string, string>;
}

type Internal = InternalNode<StepFlowNode>;

const handlePoint = (
  node: Internal,
  kind: 'source' | 'target',
  id: string | null | undefined,
): { x: number; y: number; position: Position } | undefined => {
  const handles = node.internals.handleBounds?.[kind];
  const handle = handles?.find((candidate) => candidate.id === id) ?? (id ? undefined : handles?.[0]);
  if (!handle) return undefined;
  const { x, y } = node.internals.positionAbsolute;
  const { position } = handle;
  // Where React Flow attaches an edge to a handle (the middle of the handle's outer side).
  const offsetX = position === Position.Right ? handle.width : position === Position.Left ? 0 : handle.width / 2;
  const offsetY = position === Position.Bottom ? handle.height : position === Position.Top ? 0 : handle.height / 2;
  return { x: x + handle.x + offsetX, y: y + handle.y + offsetY, position };
};

/**
 * One edge's bezier, exactly as React Flow's default edge draws it, or undefined while an end is not measured yet.
 * Cached per edge by the identity of its two nodes (React Flow replaces a node's object when it moves or is measured),
 * so dragging one node rebuilds only its own edges.
 */
export function createEdgePathsBuilder(): (
  edges: readonly StepFlowEdge[],
  nodeLookup: ReadonlyMap<string, Internal>,
) => EdgePaths {
  type Entry = { source: Internal; target: Internal; d: string };
  let cache = new Map<string, Entry>();
  return (edges, nodeLookup) => {
    const next = new Map<string, Entry>();
    const drawn: { edge: StepFlowEdge; d: string; redrawn: boolean }[] = [];
    let redrawnCount = 0;
    for (const edge of edges) {
      const source = nodeLookup.get(edge.source);
      const target = nodeLookup.get(edge.target);
      if (!source || !target) continue;
      let entry = cache.get(edge.id);
      const redrawn = !entry || entry.source !== source || entry.target !== target;
      if (redrawn) {
        const from = handlePoint(source, 'source', edge.sourceHandle);
        const to = handlePoint(target, 'target', edge.targetHandle);
        if (!from || !to) continue;
        const [d] = getBezierPath({
          sourceX: from.x,
          sourceY: from.y,
          sourcePosition: from.position,
          targetX: to.x,
          targetY: to.y,
          targetPosition: to.position,
        });
        entry = { source, target, d };
        redrawnCount++;
      }
      if (!entry) continue;
      next.set(edge.id, entry);
      drawn.push({ edge, d: entry.d, redrawn });
    }
    const isFirst = cache.size === 0;
    cache = next;
    const still = { plain: [] as string[], selected: [] as string[], error: [] as string[] };
    const moving = { plain: [] as string[], selected: [] as string[], error: [] as string[] };
    const someMoving = !isFirst && redrawnCount <= MOVING_AT_MOST;
    for (const { edge, d, redrawn } of drawn) {
      const group = someMoving && redrawn ? moving : still;
      if (edge.selected) group.selected.push(d);
      else if (edge.sourceHandle === 'error') group.error.push(d);
      else group.plain.push(d);
    }
    const join = (group: typeof still): EdgePathGroup => ({
      plain: group.plain.join(''),
      selected: group.selected.join(''),
      error: group.error.join(''),
    });
    return { ...join(still), moving: join(moving) };
  };
}

const rect = (x: number, y: number, width: number, height: number) => `M${x} ${y}h${width}v${height}h${-width}z`;
const ICON = 32;
const ICON_INSET = 13.5;

const append = (groups: Map<string, string>, key: string, path: string) =>
  groups.set(key, (groups.get(key) ?? '') + path);

/**
 * Every measured node as a box (a step also as its icon square), grouped by colour; `kindOf` names a step type's
 * kind (trigger, transform, action) and `statusOf` a node's run status, as the node's own classes do.
 */
export function nodeRects(
  nodeLookup: ReadonlyMap<string, Internal>,
  kindOf: (stepType: string) => string | undefined,
  statusOf: (nodeId: string) => string | undefined,
): NodeRects {
  const boxes = new Map<string, string>();
  const icons = new Map<string, string>();
  let loops = '';
  for (const node of nodeLookup.values()) {
    const width = node.measured.width;
    const height = node.measured.height;
    if (!width || !height) continue;
    const { x, y } = node.internals.positionAbsolute;
    if (node.type === 'loop') {
      loops += rect(x, y, width, height);
      continue;
    }
    append(boxes, node.selected ? 'selected' : (statusOf(node.id) ?? 'idle'), rect(x, y, width, height));
    append(icons, kindOf(node.data.stepType) ?? 'unknown', rect(x + ICON_INSET, y + (height - ICON) / 2, ICON, ICON));
  }
  return { boxes, loops, icons };
}
