import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { asEdgeId, asNodeId, type FlowDocument, type FlowNode, type Position } from '@pipewright/flow';
import { LAYOUT_SPACING, LOOP_PADDING, layoutChanges } from './auto-layout.ts';
import { DEFAULT_NODE_SIZE } from './node-geometry.ts';

const node = (id: string, position: Position, parentId?: string): FlowNode => ({
  id: asNodeId(id),
  type: 'core.transform',
  typeVersion: 1,
  position,
  config: {},
  ...(parentId ? { parentId: asNodeId(parentId) } : {}),
});
const edge = (source: string, target: string) => ({
  id: asEdgeId(`${source}__${target}`),
  source: asNodeId(source),
  sourcePort: 'out',
  target: asNodeId(target),
  targetPort: 'in',
});

const placed = (doc: FlowDocument, moves: ReturnType<typeof layoutChanges>['moves']) => {
  const out = new Map<string, Position>(doc.nodes.map((n) => [n.id, n.position]));
  for (const move of moves) out.set(move.nodeId, move.position);
  return out;
};

describe('auto-layout', () => {
  it('lays a tangled chain out left to right, one column per step, from the flow’s top-left corner', () => {
    const doc: FlowDocument = {
      schemaVersion: 1,
      nodes: [node('c', { x: 100, y: 900 }), node('a', { x: 700, y: 100 }), node('b', { x: 120, y: 400 })],
      edges: [edge('a', 'b'), edge('b', 'c')],
    };
    const at = placed(doc, layoutChanges(doc, {}).moves);
    const [a, b, c] = ['a', 'b', 'c'].map((id) => at.get(id) ?? assert.fail(id));
    assert.ok(a && b && c);
    assert.equal(a.x, 100);
    assert.equal(b.x - a.x, DEFAULT_NODE_SIZE.width + LAYOUT_SPACING.rank);
    assert.equal(c.x - b.x, DEFAULT_NODE_SIZE.width + LAYOUT_SPACING.rank);
    assert.deepEqual([a.y, b.y, c.y], [100, 100, 100]);
  });

  it('stacks branches in one column without overlap, using measured sizes', () => {
    const doc: FlowDocument = {
      schemaVersion: 1,
      nodes: [node('root', { x: 0, y: 0 }), node('left', { x: 0, y: 0 }), node('right', { x: 0, y: 0 })],
      edges: [edge('root', 'left'), edge('root', 'right')],
    };
    const measured = { left: { width: 220, height: 120 }, right: { width: 220, height: 64 } };
    const at = placed(doc, layoutChanges(doc, measured).moves);
    const left = at.get('left');
    const right = at.get('right');
    assert.ok(left && right);
    assert.equal(left.x, right.x);
    const [upper, lower] = left.y < right.y ? [left, right] : [right, left];
    const upperHeight = upper === left ? 120 : 64;
    assert.ok(lower.y - upper.y >= upperHeight + LAYOUT_SPACING.node, 'branches do not overlap');
  });

  it("lays a Loop's body out inside it, and gives the Loop the room its body needs", () => {
    const doc: FlowDocument = {
      schemaVersion: 1,
      nodes: [
        node('start', { x: 0, y: 0 }),
        node('loop', { x: 50, y: 50 }),
        node('first', { x: 400, y: 300 }, 'loop'),
        node('second', { x: -20, y: 10 }, 'loop'),
        node('after', { x: 10, y: 10 }),
      ],
      edges: [edge('start', 'loop'), edge('first', 'second'), edge('loop', 'after')],
    };
    const at = placed(doc, layoutChanges(doc, {}).moves);
    // Body: relative to the loop, below its header, left to right.
    assert.deepEqual(at.get('first'), { x: LOOP_PADDING.left, y: LOOP_PADDING.top });
    assert.deepEqual(at.get('second'), {
      x: LOOP_PADDING.left + DEFAULT_NODE_SIZE.width + LAYOUT_SPACING.rank,
      y: LOOP_PADDING.top,
    });
    // The loop is as wide as its body plus padding, so `after` starts past it.
    const loop = at.get('loop');
    const after = at.get('after');
    assert.ok(loop && after);
    const loopWidth = LOOP_PADDING.left + 2 * DEFAULT_NODE_SIZE.width + LAYOUT_SPACING.rank + LOOP_PADDING.right;
    assert.equal(after.x - loop.x, loopWidth + LAYOUT_SPACING.rank);
  });

  it('grows a Loop the builder resized smaller than its laid-out body, and never shrinks a bigger one', () => {
    const body = [node('first', { x: 0, y: 0 }, 'loop'), node('second', { x: 0, y: 0 }, 'loop')];
    const withLoopSize = (size: { width: number; height: number }): FlowDocument => ({
      schemaVersion: 1,
      nodes: [{ ...node('loop', { x: 0, y: 0 }), type: 'core.loop', size }, ...body],
      edges: [edge('first', 'second')],
    });
    const needed = {
      width: LOOP_PADDING.left + 2 * DEFAULT_NODE_SIZE.width + LAYOUT_SPACING.rank + LOOP_PADDING.right,
      height: LOOP_PADDING.top + DEFAULT_NODE_SIZE.height + LOOP_PADDING.bottom,
    };
    assert.deepEqual(
      layoutChanges(withLoopSize({ width: 300, height: 500 }), { loop: { width: 300, height: 500 } }).resizes,
      [{ nodeId: 'loop', size: { width: needed.width, height: 500 } }],
    );
    const roomy = { width: needed.width + 200, height: needed.height + 100 };
    assert.deepEqual(layoutChanges(withLoopSize(roomy), { loop: roomy }).resizes, []);
  });

  it('moves nothing when the flow is already laid out, and survives a parent cycle', () => {
    const doc: FlowDocument = {
      schemaVersion: 1,
      nodes: [node('a', { x: 0, y: 0 }), node('b', { x: 0, y: 0 })],
      edges: [edge('a', 'b')],
    };
    const once = placed(doc, layoutChanges(doc, {}).moves);
    const laidOut = { ...doc, nodes: doc.nodes.map((n) => ({ ...n, position: once.get(n.id) ?? n.position })) };
    assert.deepEqual(layoutChanges(laidOut, {}).moves, []);
    const cyclic: FlowDocument = {
      schemaVersion: 1,
      nodes: [node('x', { x: 0, y: 0 }, 'y'), node('y', { x: 0, y: 0 }, 'x'), node('z', { x: 5, y: 5 })],
      edges: [],
    };
    assert.doesNotThrow(() => layoutChanges(cyclic, {}).moves);
    assert.deepEqual(layoutChanges({ schemaVersion: 1, nodes: [], edges: [] }, {}).moves, []);
  });
});
