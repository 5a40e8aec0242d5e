import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { asNodeId, type FlowDocument, type FlowNode } from '@pipewright/flow';
import { type AlignKind, alignRects, arrangeMoves, distributeRects } from './align-distribute.ts';
import type { NodeRect } from './node-geometry.ts';

const rect = (id: string, x: number, y: number, width = 100, height = 50): NodeRect => ({
  id: asNodeId(id),
  x,
  y,
  width,
  height,
});

/** a: 0..100 × 0..50, b: 200..260 × 100..130, c: 50..250 × 300..380. */
const boxes = [rect('a', 0, 0), rect('b', 200, 100, 60, 30), rect('c', 50, 300, 200, 80)];

describe('align', () => {
  const table: { kind: AlignKind; expected: Record<string, [number, number]> }[] = [
    { kind: 'left', expected: { a: [0, 0], b: [0, 100], c: [0, 300] } },
    { kind: 'right', expected: { a: [160, 0], b: [200, 100], c: [60, 300] } },
    { kind: 'centre', expected: { a: [80, 0], b: [100, 100], c: [30, 300] } },
    { kind: 'top', expected: { a: [0, 0], b: [200, 0], c: [50, 0] } },
    { kind: 'bottom', expected: { a: [0, 330], b: [200, 350], c: [50, 300] } },
    { kind: 'middle', expected: { a: [0, 165], b: [200, 175], c: [50, 150] } },
  ];
  for (const { kind, expected } of table) {
    it(`${kind}`, () => {
      const targets = alignRects(boxes, kind);
      assert.deepEqual(
        Object.fromEntries([...targets].map(([id, position]) => [id, [position.x, position.y]])),
        expected,
      );
    });
  }

  it('needs two nodes', () => {
    assert.equal(alignRects([rect('a', 5, 5)], 'left').size, 0);
  });
});

describe('distribute', () => {
  it('horizontally: equal gaps in the current order, the outer nodes stay', () => {
    // spans 0..400; widths 100 + 50 + 100 = 250 → two gaps of 75.
    const targets = distributeRects([rect('z', 300, 0), rect('m', 110, 40, 50), rect('a', 0, 10)], 'horizontal');
    assert.deepEqual(targets.get('a'), { x: 0, y: 10 });
    assert.deepEqual(targets.get('m'), { x: 175, y: 40 });
    assert.deepEqual(targets.get('z'), { x: 300, y: 0 });
  });

  it('vertically', () => {
    const targets = distributeRects([rect('a', 0, 0), rect('b', 9, 60), rect('c', 3, 400)], 'vertical');
    assert.deepEqual(targets.get('b'), { x: 9, y: 200 });
  });

  it('needs three nodes', () => {
    assert.equal(distributeRects([rect('a', 0, 0), rect('b', 10, 10)], 'vertical').size, 0);
  });
});

describe('arrangeMoves on a document', () => {
  const node = (id: string, x: number, y: number, parentId?: string): FlowNode => ({
    id: asNodeId(id),
    type: 'core.transform',
    typeVersion: 1,
    position: { x, y },
    config: {},
    ...(parentId ? { parentId: asNodeId(parentId) } : {}),
  });

  it('aligns a loop body node with a top-level node in absolute terms and stores it relative to its loop', () => {
    const doc: FlowDocument = {
      schemaVersion: 1,
      nodes: [node('top', 10, 500), node('loop', 300, 100), node('inner', 40, 60, 'loop')],
      edges: [],
    };
    const moves = arrangeMoves({ doc, measured: {}, ids: ['top', 'inner'], arrange: { align: 'top' } });
    // inner is at absolute y 160; the top edge is there; top moves up, inner stays.
    assert.deepEqual(moves, [{ nodeId: 'top', position: { x: 10, y: 160 } }]);
    const left = arrangeMoves({ doc, measured: {}, ids: ['top', 'inner'], arrange: { align: 'left' } });
    assert.deepEqual(left, [{ nodeId: 'inner', position: { x: -290, y: 60 } }]);
  });

  it("keeps a body's target right when its Loop moves in the same gesture", () => {
    const doc: FlowDocument = {
      schemaVersion: 1,
      nodes: [node('a', 0, 0), node('loop', 300, 100), node('inner', 40, 60, 'loop')],
      edges: [],
    };
    const sizes = {
      a: { width: 100, height: 40 },
      loop: { width: 400, height: 200 },
      inner: { width: 100, height: 40 },
    };
    const moves = arrangeMoves({ doc, measured: sizes, ids: ['a', 'loop', 'inner'], arrange: { align: 'left' } });
    // Everything to absolute x 0: the loop to 0, and inner to 0 relative to the loop's new place.
    assert.deepEqual(moves, [
      { nodeId: 'loop', position: { x: 0, y: 100 } },
      { nodeId: 'inner', position: { x: 0, y: 60 } },
    ]);
  });

  it('uses measured sizes, and leaves out nodes already in place', () => {
    const doc: FlowDocument = { schemaVersion: 1, nodes: [node('a', 0, 0), node('b', 500, 0)], edges: [] };
    const moves = arrangeMoves({
      doc,
      measured: { a: { width: 300, height: 40 }, b: { width: 100, height: 40 } },
      ids: ['a', 'b'],
      arrange: { align: 'right' },
    });
    assert.deepEqual(moves, [{ nodeId: 'a', position: { x: 300, y: 0 } }]);
  });
});
