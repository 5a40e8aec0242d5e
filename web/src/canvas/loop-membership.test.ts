import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CORE_LOOP_TYPE } from '@pipewright/control-steps';
import { asNodeId, type FlowDocument, type FlowNode } from '@pipewright/flow';
import type { NodeChange } from '@xyflow/react';
import { applyNodeChanges } from './canvas-changes.ts';
import { createFlowNodesSelector } from './editor.selectors.ts';
import { createEditorKit } from './editor-test-kit.ts';
import {
  DEFAULT_LOOP_SIZE,
  dropIntoLoops,
  loopAt,
  loopSizeOf,
  orderParentsFirst,
  placeInLoop,
  reparentCommand,
  resizeCommand,
} from './loop-membership.ts';

const step = (id: string, x: number, y: number, extra: Partial<FlowNode> = {}): FlowNode => ({
  id: asNodeId(id),
  type: 'core.transform',
  typeVersion: 1,
  position: { x, y },
  config: {},
  ...extra,
});
const loop = (id: string, x: number, y: number, extra: Partial<FlowNode> = {}): FlowNode =>
  step(id, x, y, { type: CORE_LOOP_TYPE, size: { width: 400, height: 300 }, ...extra });
const docOf = (...nodes: FlowNode[]): FlowDocument => ({ schemaVersion: 1, nodes, edges: [] });
const move = (id: string, x: number, y: number) => ({ nodeId: asNodeId(id), position: { x, y } });

describe('loop membership: where a dropped node belongs', () => {
  // each: a Loop at (100, 100), 400×300; inner: a Loop inside it at (20, 60), 250×200 (so 120…370, 160…360).
  const doc = docOf(
    step('outside', 0, 0),
    loop('each', 100, 100),
    loop('inner', 20, 60, { parentId: asNodeId('each'), size: { width: 250, height: 200 } }),
    step('body', 300, 40, { parentId: asNodeId('each') }),
  );

  const cases: { name: string; moves: ReturnType<typeof move>[]; expected: ReturnType<typeof dropIntoLoops> }[] = [
    {
      name: 'a top-level node dropped inside a Loop joins it, its position made relative',
      moves: [move('outside', 300, 300)],
      expected: {
        moves: [move('outside', 200, 200)],
        reparent: [{ kind: 'updateNode', nodeId: asNodeId('outside'), patch: { parentId: asNodeId('each') } }],
      },
    },
    {
      name: 'a node dropped inside a nested Loop joins the innermost one',
      moves: [move('outside', 150, 200)],
      expected: {
        moves: [move('outside', 30, 40)],
        reparent: [{ kind: 'updateNode', nodeId: asNodeId('outside'), patch: { parentId: asNodeId('inner') } }],
      },
    },
    {
      name: 'a body node dragged out of its Loop leaves it, its position made absolute',
      moves: [move('body', 500, 40)],
      expected: {
        moves: [move('body', 600, 140)],
        reparent: [{ kind: 'updateNode', nodeId: asNodeId('body'), patch: { parentId: undefined } }],
      },
    },
    {
      name: 'a body node moved within its Loop only moves',
      moves: [move('body', 280, 220)],
      expected: { moves: [move('body', 280, 220)], reparent: [] },
    },
    {
      name: 'a node moved on the empty canvas only moves',
      moves: [move('outside', -300, 10)],
      expected: { moves: [move('outside', -300, 10)], reparent: [] },
    },
    {
      name: 'a body node dragged with its Loop stays in it',
      moves: [move('each', 900, 900), move('body', 300, 40)],
      expected: { moves: [move('each', 900, 900), move('body', 300, 40)], reparent: [] },
    },
  ];
  for (const { name, moves, expected } of cases) {
    it(name, () => assert.deepEqual(dropIntoLoops(doc, moves), expected));
  }

  it('never puts a Loop inside itself or inside its own body', () => {
    // inner's centre lands inside inner's old box and inside each: it stays in each.
    assert.deepEqual(dropIntoLoops(doc, [move('inner', 30, 60)]).reparent, []);
    // each dropped on top of inner (its own child): no parent change.
    assert.deepEqual(dropIntoLoops(doc, [move('each', 110, 110)]).reparent, []);
  });

  it('uses the measured size of the dropped node for its centre', () => {
    // At (40, 40) a 220×64 node's centre is (150, 72): outside each; a 200×200 one's is (140, 140): inside.
    assert.deepEqual(dropIntoLoops(doc, [move('outside', 40, 40)]).reparent, []);
    const measured = dropIntoLoops(doc, [move('outside', 40, 40)], { outside: { width: 200, height: 200 } });
    assert.equal(measured.reparent.length, 1);
  });

  it('finds the innermost Loop under a point', () => {
    assert.equal(loopAt(doc.nodes, { x: 130, y: 170 })?.id, 'inner');
    assert.equal(loopAt(doc.nodes, { x: 480, y: 120 })?.id, 'each');
    assert.equal(loopAt(doc.nodes, { x: 50, y: 50 }), undefined);
  });

  it('places a node dropped from the palette inside the Loop under it', () => {
    const placed = placeInLoop(doc.nodes, step('new', 350, 300));
    assert.deepEqual([placed.parentId, placed.position], ['each', { x: 250, y: 200 }]);
    assert.equal(placeInLoop(doc.nodes, step('new', -500, 0)).parentId, undefined);
  });
});

describe('loop membership: sizes and order', () => {
  it('fits an unsized Loop around its body, never below the default box', () => {
    const nodes = [step('each', 0, 0, { type: CORE_LOOP_TYPE }), step('a', 400, 300, { parentId: asNodeId('each') })];
    assert.deepEqual(loopSizeOf(step('empty', 0, 0, { type: CORE_LOOP_TYPE }), []), DEFAULT_LOOP_SIZE);
    assert.deepEqual(loopSizeOf(nodes[0] as FlowNode, nodes), { width: 652, height: 396 });
  });

  it('puts parents before their children for React Flow, keeping the order otherwise', () => {
    const nodes = [step('a', 0, 0, { parentId: asNodeId('each') }), step('x', 0, 0), loop('each', 0, 0)];
    assert.deepEqual(
      orderParentsFirst(nodes).map((node) => node.id),
      ['x', 'each', 'a'],
    );
    const ordered = [loop('each', 0, 0), step('a', 0, 0, { parentId: asNodeId('each') })];
    assert.equal(orderParentsFirst(ordered), ordered, 'an ordered list is returned as is');
    const twoLoops = [
      loop('first', 0, 0),
      step('a', 0, 0, { parentId: asNodeId('first') }),
      loop('second', 0, 0),
      step('b', 0, 0, { parentId: asNodeId('second') }),
    ];
    assert.equal(orderParentsFirst(twoLoops), twoLoops, 'each parent before its own children is enough');
  });

  it('turns a resize from the top-left corner into one command with the moved positions', () => {
    const doc = docOf(loop('each', 100, 100), step('a', 20, 60, { parentId: asNodeId('each') }), step('b', 0, 0));
    const command = resizeCommand(doc, {
      nodeId: asNodeId('each'),
      size: { width: 450.4, height: 350 },
      positions: { each: { x: 50, y: 50 }, a: { x: 70, y: 110 }, b: { x: 9, y: 9 } },
    });
    assert.deepEqual(command, {
      kind: 'batch',
      commands: [
        { kind: 'updateNode', nodeId: 'each', patch: { size: { width: 450, height: 350 } } },
        { kind: 'moveNodes', moves: [move('each', 50, 50), move('a', 70, 110)] },
      ],
    });
    assert.equal(
      resizeCommand(doc, { nodeId: asNodeId('each'), size: { width: 400, height: 300 }, positions: {} }),
      undefined,
      'a click on a handle changes nothing',
    );
  });
});

describe('loop groups in the editor store', () => {
  const loopDoc = () => docOf(step('manual', 0, 0), loop('each', 300, 0), step('transform', 0, 400));

  it('drags a node into a Loop as one undoable edit, and out again', () => {
    const kit = createEditorKit(loopDoc());
    kit.drag('transform', [
      { x: 200, y: 200 },
      { x: 350, y: 100 },
    ]);
    assert.deepEqual([kit.node('transform')?.parentId, kit.node('transform')?.position], ['each', { x: 50, y: 100 }]);
    assert.equal(kit.undoDepth(), 1);
    // React Flow reports a body node's drag positions relative to its Loop.
    kit.drag('transform', [{ x: 600, y: 100 }]);
    assert.deepEqual(
      [kit.node('transform')?.parentId, kit.node('transform')?.position],
      [undefined, { x: 900, y: 100 }],
    );
    kit.undo();
    assert.deepEqual([kit.node('transform')?.parentId, kit.node('transform')?.position], ['each', { x: 50, y: 100 }]);
    kit.undo();
    assert.deepEqual([kit.node('transform')?.parentId, kit.node('transform')?.position], [undefined, { x: 0, y: 400 }]);
  });

  it('shows a resize while it happens and commits it once at the end', () => {
    const kit = createEditorKit(loopDoc());
    const select = createFlowNodesSelector();
    const resize = (width: number, resizing: boolean): NodeChange => ({
      type: 'dimensions',
      id: 'each',
      dimensions: { width, height: 300 },
      resizing,
      ...(resizing ? { setAttributes: true } : {}),
    });
    applyNodeChanges(kit.store, [{ type: 'position', id: 'each', position: { x: 280, y: 0 } }, resize(420, true)]);
    const during = select(kit.store.getState()).find((node) => node.id === 'each');
    assert.deepEqual([during?.type, during?.width, during?.position], ['loop', 420, { x: 280, y: 0 }]);
    assert.equal(kit.undoDepth(), 0, 'nothing is committed while resizing');
    applyNodeChanges(kit.store, [resize(420, false)]);
    assert.deepEqual(
      [kit.node('each')?.size, kit.node('each')?.position],
      [
        { width: 420, height: 300 },
        { x: 280, y: 0 },
      ],
    );
    assert.equal(kit.undoDepth(), 1);
    kit.undo();
    assert.deepEqual(
      [kit.node('each')?.size, kit.node('each')?.position],
      [
        { width: 400, height: 300 },
        { x: 300, y: 0 },
      ],
    );
  });

  it('deletes a Loop with the steps inside it, and one undo brings them all back', () => {
    const doc = docOf(
      loop('each', 300, 0),
      step('a', 10, 60, { parentId: asNodeId('each') }),
      loop('inner', 10, 140, { parentId: asNodeId('each') }),
      step('b', 10, 60, { parentId: asNodeId('inner') }),
      step('outside', 0, 400),
    );
    const kit = createEditorKit(doc);
    kit.select('each');
    kit.deleteSelection();
    assert.deepEqual(kit.nodeIds(), ['outside']);
    kit.undo();
    assert.deepEqual(kit.nodeIds(), ['each', 'a', 'inner', 'b', 'outside']);
    assert.equal(kit.node('b')?.parentId, 'inner');
  });

  it('hands React Flow the Loop as a group, its body after it with parentId', () => {
    const doc = docOf(step('a', 10, 60, { parentId: asNodeId('each') }), loop('each', 300, 0));
    const nodes = createFlowNodesSelector()(createEditorKit(doc).store.getState());
    assert.deepEqual(
      nodes.map((node) => [node.id, node.type, node.parentId, node.width]),
      [
        ['each', 'loop', undefined, 400],
        ['a', 'step', 'each', undefined],
      ],
    );
  });
});

describe('loop membership without a drag (the inspector select)', () => {
  it('puts a joining node inside the box below the body, and a leaving node where it was on the canvas', () => {
    const doc = docOf(loop('each', 100, 100), step('a', 24, 64, { parentId: asNodeId('each') }), step('b', 0, 500));
    assert.deepEqual(reparentCommand(doc, { nodeId: asNodeId('b'), parentId: asNodeId('each') }), {
      kind: 'batch',
      commands: [
        { kind: 'updateNode', nodeId: 'b', patch: { parentId: 'each' } },
        { kind: 'moveNodes', moves: [move('b', 24, 152)] },
      ],
    });
    assert.deepEqual(reparentCommand(doc, { nodeId: asNodeId('a'), parentId: undefined }), {
      kind: 'batch',
      commands: [
        { kind: 'updateNode', nodeId: 'a', patch: { parentId: undefined } },
        { kind: 'moveNodes', moves: [move('a', 124, 164)] },
      ],
    });
    assert.equal(reparentCommand(doc, { nodeId: asNodeId('a'), parentId: asNodeId('each') }), undefined);
  });
});
