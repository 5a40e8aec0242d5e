import type { FlowDocument, FlowNode, NodeId, Position } from '@pipewright/flow';
import { type MeasuredSizes, type NodeRect, nodeRects, toStoredPosition } from './node-geometry.ts';

export const ALIGN_KINDS = ['left', 'centre', 'right', 'top', 'middle', 'bottom'] as const;
export type AlignKind = (typeof ALIGN_KINDS)[number];
export const DISTRIBUTE_AXES = ['horizontal', 'vertical'] as const;
export type DistributeAxis = (typeof DISTRIBUTE_AXES)[number];

export interface NodeMove {
  nodeId: NodeId;
  position: Position;
}

/** Aligning needs two boxes; distributing needs three (the outer two stay, the inner ones move). */
export const canAlign = (count: number) => count >= 2;
export const canDistribute = (count: number) => count >= 3;

/**
 * Absolute target positions that line the boxes up on one edge or centre line of their common bounds, as designers'
 * tools do (Figma, Keynote): left/right/top/bottom on the outermost edge, centre/middle on the bounds' centre.
 */
export function alignRects(rects: readonly NodeRect[], kind: AlignKind): Map<string, Position> {
  const out = new Map<string, Position>();
  if (!canAlign(rects.length)) return out;
  const left = Math.min(...rects.map((rect) => rect.x));
  const right = Math.max(...rects.map((rect) => rect.x + rect.width));
  const top = Math.min(...rects.map((rect) => rect.y));
  const bottom = Math.max(...rects.map((rect) => rect.y + rect.height));
  for (const rect of rects) {
    const x = {
      left,
      centre: (left + right) / 2 - rect.width / 2,
      right: right - rect.width,
    } as const;
    const y = { top, middle: (top + bottom) / 2 - rect.height / 2, bottom: bottom - rect.height } as const;
    out.set(
      rect.id,
      kind === 'left' || kind === 'centre' || kind === 'right' ? { x: x[kind], y: rect.y } : { x: rect.x, y: y[kind] },
    );
  }
  return out;
}

/**
 * Equal gaps between neighbours along one axis, in their current order; the first and last boxes keep their place.
 * Boxes wider than the span overlap evenly (a negative gap) rather than being pushed outside it.
 */
export function distributeRects(rects: readonly NodeRect[], axis: DistributeAxis): Map<string, Position> {
  const out = new Map<string, Position>();
  if (!canDistribute(rects.length)) return out;
  const horizontal = axis === 'horizontal';
  const start = (rect: NodeRect) => (horizontal ? rect.x : rect.y);
  const length = (rect: NodeRect) => (horizontal ? rect.width : rect.height);
  const sorted = [...rects].sort((a, b) => start(a) + length(a) / 2 - (start(b) + length(b) / 2));
  const first = sorted[0];
  const last = sorted.at(-1);
  if (!first || !last) return out;
  const span = start(last) + length(last) - start(first);
  const gap = (span - sorted.reduce((sum, rect) => sum + length(rect), 0)) / (sorted.length - 1);
  let cursor = start(first);
  for (const rect of sorted) {
    out.set(rect.id, horizontal ? { x: cursor, y: rect.y } : { x: rect.x, y: cursor });
    cursor += length(rect) + gap;
  }
  return out;
}

/** The moves (stored, parent-relative, rounded positions) that align or distribute `ids`; unchanged nodes are left out. */
export function arrangeMoves(input: {
  doc: FlowDocument;
  measured: MeasuredSizes;
  ids: readonly string[];
  arrange: { align: AlignKind } | { distribute: DistributeAxis };
}): NodeMove[] {
  const { doc, measured, ids, arrange } = input;
  const rects = nodeRects(doc, measured, ids);
  const targets = 'align' in arrange ? alignRects(rects, arrange.align) : distributeRects(rects, arrange.distribute);
  return movesToTargets(doc, targets);
}

/**
 * Stored positions for absolute targets.  Nodes are visited in document order (a parent before its body, as React
 * Flow requires) against a map that already holds the moved parents, so a loop moved with its body keeps the body's
 * targets right.
 */
export function movesToTargets(doc: FlowDocument, targets: ReadonlyMap<string, Position>): NodeMove[] {
  const working = new Map<string, FlowNode>(doc.nodes.map((node) => [node.id, node]));
  const moves: NodeMove[] = [];
  for (const node of doc.nodes) {
    const absolute = targets.get(node.id);
    if (!absolute) continue;
    const position = toStoredPosition(working, node, absolute);
    working.set(node.id, { ...node, position });
    if (position.x !== node.position.x || position.y !== node.position.y) moves.push({ nodeId: node.id, position });
  }
  return moves;
}
