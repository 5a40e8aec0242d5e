import { getViewportForBounds, type ReactFlowState, useStore, type Viewport } from '@xyflow/react';
import type { StepFlowEdge, StepFlowNode } from './editor.selectors.ts';
import { edgeLabel } from './node-ports.ts';

/**
 * How much a big flow's canvas draws at the current zoom.  Below DETAIL_ZOOM a node's text and an edge's label are
 * about 5 px high and unreadable, yet they are much of what the browser lays out and paints for a thousand nodes (an
 * edge label also measures its text with getBBox each time it mounts, forcing a layout); so the canvas drops edge
 * labels, the dotted background and edges' click targets, and hides node text, shadows and handles there (CSS,
 * `.canvas.zoomed-out` in styles.css), keeping every box and handle where it was, so nothing is measured again when
 * the user zooms back in.
 */
export const DETAIL_ZOOM = 0.4;

const isZoomedOutSelector = (state: ReactFlowState) => state.transform[2] < DETAIL_ZOOM;

/** True below DETAIL_ZOOM; re-renders its component only when the zoom crosses it, not on every pan or zoom step. */
export const useIsZoomedOut = (): boolean => useStore(isZoomedOutSelector);

const errorEdgeStyle = { stroke: 'var(--danger)', strokeDasharray: '4 3' };

/**
 * Edges leaving a named port (If: true/false, Switch cases, error) say which one; without labels (zoomed out) the
 * error edge keeps its dashed red line.  Unlabelled edges keep their identity, so React Flow sees them unchanged.
 */
export function labelEdges(edges: StepFlowEdge[], withLabels: boolean): StepFlowEdge[] {
  return edges.map((edge) => {
    const label = edgeLabel(edge.sourceHandle);
    if (label === undefined) return edge;
    const style = label === 'error' ? { style: errorEdgeStyle } : {};
    if (!withLabels) return label === 'error' ? { ...edge, ...style } : edge;
    return { ...edge, label, ...style };
  });
}

/** A step node's box before the browser measured it (.step-node: 220 px wide, ~56 px tall with its icon). */
const UNMEASURED = { width: 220, height: 60 };

/**
 * The viewport React Flow's fitView will land on, from the document's positions alone, so that a big flow's first
 * render is already zoomed out: otherwise it mounts at zoom 1 with every edge and edge label (each label measures
 * its text, forcing a layout), only to unmount them when the fit, after the nodes are measured, zooms out.
 * Undefined for a pane without size or a flow without nodes.
 */
export function openingViewport(
  nodes: readonly StepFlowNode[],
  pane: { width: number; height: number },
  fit: { minZoom: number; maxZoom: number; padding: number },
): Viewport | undefined {
  let left = Number.POSITIVE_INFINITY;
  let top = Number.POSITIVE_INFINITY;
  let right = Number.NEGATIVE_INFINITY;
  let bottom = Number.NEGATIVE_INFINITY;
  for (const node of nodes) {
    // A loop's body nodes sit inside their loop's box, which is counted.
    if (node.parentId !== undefined) continue;
    const width = node.width ?? node.measured?.width ?? UNMEASURED.width;
    const height = node.height ?? node.measured?.height ?? UNMEASURED.height;
    left = Math.min(left, node.position.x);
    top = Math.min(top, node.position.y);
    right = Math.max(right, node.position.x + width);
    bottom = Math.max(bottom, node.position.y + height);
  }
  if (!(right > left) || pane.width <= 0 || pane.height <= 0) return undefined;
  const bounds = { x: left, y: top, width: right - left, height: bottom - top };
  return getViewportForBounds(bounds, pane.width, pane.height, fit.minZoom, fit.maxZoom, fit.padding);
}
