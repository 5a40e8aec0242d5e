import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { getBezierPath, type InternalNode, Position } from '@xyflow/react';
import { createEdgePathsBuilder, nodeRects } from './canvas-overview.ts';
import type { StepFlowEdge, StepFlowNode } from './editor.selectors.ts';

/** A measured 220×60 step node as React Flow holds it: an `in` handle on the left, `out` and `error` on the right. */
function measuredNode(id: string, x: number, y: number, extra: Partial<StepFlowNode> = {}): InternalNode<StepFlowNode> {
  const handle = (handleId: string, side: 'left' | 'right', top: number) => ({
    id: handleId,
    nodeId: id,
    type: side === 'left' ? ('target' as const) : ('source' as const),
    position: side === 'left' ? Position.Left : Position.Right,
    x: side === 'left' ? -5 : 215,
    y: top,
    width: 10,
    height: 10,
  });
  return {
    id,
    type: 'step',
    position: { x, y },
    data: { stepType: 'core.transform' },
    measured: { width: 220, height: 60 },
    ...extra,
    internals: {
      positionAbsolute: { x, y },
      z: 0,
      userNode: {} as StepFlowNode,
      handleBounds: {
        target: [handle('in', 'left', 25)],
        source: [handle('out', 'right', 15), handle('error', 'right', 35)],
      },
    },
  } as InternalNode<StepFlowNode>;
}

const edge = (id: string, source: string, target: string, more: Partial<StepFlowEdge> = {}): StepFlowEdge => ({
  id,
  source,
  target,
  sourceHandle: 'out',
  targetHandle: 'in',
  ...more,
});

const lookup = (...nodes: InternalNode<StepFlowNode>[]) => new Map(nodes.map((node) => [node.id, node]));

describe('the zoomed-out overview of a big flow', () => {
  it('draws an edge as the same curve React Flow draws, from the source handle to the target handle', () => {
    const paths = createEdgePathsBuilder()(
      [edge('e1', 'a', 'b')],
      lookup(measuredNode('a', 0, 0), measuredNode('b', 400, 100)),
    );
    const [expected] = getBezierPath({
      sourceX: 225,
      sourceY: 20,
      sourcePosition: Position.Right,
      targetX: 395,
      targetY: 130,
      targetPosition: Position.Left,
    });
    assert.equal(paths.plain, expected);
    assert.equal(paths.selected, '');
  });

  it('keeps a selected edge and an error edge apart from the plain ones, and skips an edge to an unmeasured node', () => {
    const unmeasured = measuredNode('c', 800, 0);
    delete unmeasured.internals.handleBounds;
    const nodes = lookup(measuredNode('a', 0, 0), measuredNode('b', 400, 0), unmeasured);
    const paths = createEdgePathsBuilder()(
      [edge('e1', 'a', 'b', { selected: true }), edge('e2', 'a', 'b', { sourceHandle: 'error' }), edge('e3', 'b', 'c')],
      nodes,
    );
    assert.match(paths.selected, /^M225,20 C/);
    assert.match(paths.error, /^M225,40 C/, 'the error edge leaves from the error handle');
    assert.equal(paths.plain, '', 'no edge is drawn to a node not yet measured');
  });

  it('moving a node moves its own edges and leaves the others where they were', () => {
    const build = createEdgePathsBuilder();
    const a = measuredNode('a', 0, 0);
    const b = measuredNode('b', 400, 0);
    const c = measuredNode('c', 0, 300);
    const d = measuredNode('d', 400, 300);
    const edges = [edge('e1', 'a', 'b'), edge('e2', 'c', 'd')];
    const before = build(edges, lookup(a, b, c, d));
    const [firstBefore, secondBefore] = before.plain.split(/(?=M)/);
    const movedB = measuredNode('b', 500, 50);
    const after = build(edges, lookup(a, movedB, c, d));
    assert.equal(after.plain, secondBefore, 'the edge that did not move stays in the long path, unchanged');
    assert.notEqual(after.moving.plain, firstBefore);
    assert.match(after.moving.plain, /495,80$/, 'the moved node’s edge ends at its new in handle');
    const dropped = build(edges, lookup(a, movedB, c, d));
    assert.equal(dropped.moving.plain, '', 'on the next change after the node stopped, its edge rejoins the others');
    assert.equal(dropped.plain, `${after.moving.plain}${secondBefore}`);
  });

  it('draws nodes as boxes coloured by selection and run status, icons by kind, and loops as their own boxes', () => {
    const nodes = lookup(
      measuredNode('t', 0, 0, { data: { stepType: 'core.manual' } }),
      measuredNode('s', 300, 0, { selected: true }),
      measuredNode('f', 600, 0),
      measuredNode('loop', 0, 200, { type: 'loop', measured: { width: 500, height: 300 } }),
    );
    const rects = nodeRects(
      nodes,
      (type) => (type === 'core.manual' ? 'trigger' : 'transform'),
      (id) => (id === 'f' ? 'failed' : undefined),
    );
    assert.equal(rects.boxes.get('idle'), 'M0 0h220v60h-220z');
    assert.equal(rects.boxes.get('selected'), 'M300 0h220v60h-220z');
    assert.equal(rects.boxes.get('failed'), 'M600 0h220v60h-220z');
    assert.equal(rects.loops, 'M0 200h500v300h-500z');
    assert.equal(rects.icons.get('trigger'), 'M13.5 14h32v32h-32z', 'the icon square sits where the node’s icon is');
    assert.equal(rects.icons.get('transform')?.match(/M/g)?.length, 2);
  });
});
