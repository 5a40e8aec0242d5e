import { type ReactFlowState, useStore } from '@xyflow/react';
import type { StepFlowEdge } from './editor.selectors.ts';
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
