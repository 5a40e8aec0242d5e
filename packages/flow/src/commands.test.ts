import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyCommand, type FlowCommand, FlowCommandError } from './commands.ts';
import type { FlowDocument, FlowEdge, FlowNode } from './document.ts';
import { asEdgeId, asNodeId } from './ids.ts';

const node = (id: string, extra: Partial<FlowNode> = {}): FlowNode => ({
  id: asNodeId(id),
  type: 'core.transform',
  typeVersion: 1,
  position: { x: 0, y: 0 },
  config: { fields: [] },
  ...extra,
});
const edge = (source: string, target: string, id = `${source}_${target}`): FlowEdge => ({
  id: asEdgeId(id),
  source: asNodeId(source),
  target: asNodeId(target),
  sourcePort: 'out',
  targetPort: 'in',
});

/** hook → a → b, hook → c, c → b: enough to have edges on both sides of removed nodes. */
const sampleDoc = (): FlowDocument => ({
  schemaVersion: 1,
  nodes: [
    node('hook', { type: 'core.webhook', title: 'Incoming' }),
    node('a'),
    node('b'),
    node('c', { title: 'Check', settings: { timeoutMs: 5000 }, parentId: asNodeId('a') }),
  ],
  edges: [edge('hook', 'a'), edge('a', 'b'), edge('hook', 'c'), edge('c', 'b')],
});

const roundTrips: { name: string; command: FlowCommand; check?: (doc: FlowDocument) => void }[] = [
  {
    name: 'addNodes',
    command: { kind: 'addNodes', nodes: [node('d'), node('e')] },
    check: (doc) => assert.deepEqual(doc.nodes.map((n) => n.id).slice(-2), ['d', 'e']),
  },
  {
    name: 'removeNodes (with attached edges)',
    command: { kind: 'removeNodes', nodeIds: [asNodeId('a')] },
    check: (doc) => {
      assert.deepEqual(
        doc.nodes.map((n) => n.id),
        ['hook', 'b', 'c'],
      );
      assert.deepEqual(
        doc.edges.map((e) => e.id),
        ['hook_c', 'c_b'],
      );
    },
  },
  {
    name: 'removeNodes (several, non-adjacent)',
    command: { kind: 'removeNodes', nodeIds: [asNodeId('c'), asNodeId('hook')] },
    check: (doc) =>
      assert.deepEqual(
        doc.edges.map((e) => e.id),
        ['a_b'],
      ),
  },
  {
    name: 'moveNodes',
    command: { kind: 'moveNodes', moves: [{ nodeId: asNodeId('b'), position: { x: 10, y: -4 } }] },
    check: (doc) => assert.deepEqual(doc.nodes[2]?.position, { x: 10, y: -4 }),
  },
  {
    name: 'updateNode config',
    command: { kind: 'updateNode', nodeId: asNodeId('a'), patch: { config: { fields: [{ name: 'x', value: 1 }] } } },
    check: (doc) => assert.deepEqual(doc.nodes[1]?.config, { fields: [{ name: 'x', value: 1 }] }),
  },
  {
    name: 'updateNode config leaves the title, settings and loop of the node alone',
    command: { kind: 'updateNode', nodeId: asNodeId('c'), patch: { config: { fields: ['x'] } } },
    check: (doc) => assert.deepEqual(doc.nodes[3], { ...sampleDoc().nodes[3], config: { fields: ['x'] } }),
  },
  {
    name: 'updateNode sets a title the node did not have',
    command: { kind: 'updateNode', nodeId: asNodeId('a'), patch: { title: 'Enrich' } },
    check: (doc) => assert.equal(doc.nodes[1]?.title, 'Enrich'),
  },
  {
    name: 'updateNode clears a title',
    command: { kind: 'updateNode', nodeId: asNodeId('hook'), patch: { title: undefined } },
    check: (doc) => assert.equal('title' in (doc.nodes[0] ?? {}), false),
  },
  {
    name: 'updateNode replaces and clears settings',
    command: {
      kind: 'batch',
      commands: [
        { kind: 'updateNode', nodeId: asNodeId('a'), patch: { settings: { retry: { maxAttempts: 9 } } } },
        { kind: 'updateNode', nodeId: asNodeId('c'), patch: { settings: undefined } },
      ],
    },
    check: (doc) => {
      assert.deepEqual(doc.nodes[1]?.settings, { retry: { maxAttempts: 9 } });
      assert.equal('settings' in (doc.nodes[3] ?? {}), false);
    },
  },
  {
    name: 'updateFlowSettings sets an error handler flow',
    command: { kind: 'updateFlowSettings', settings: { errorFlowId: 'flow_errors' } },
    check: (doc) => assert.deepEqual(doc.settings, { errorFlowId: 'flow_errors' }),
  },
  {
    name: 'updateNode moves a node into a loop body',
    command: { kind: 'updateNode', nodeId: asNodeId('b'), patch: { parentId: asNodeId('a') } },
    check: (doc) => assert.equal(doc.nodes[2]?.parentId, 'a'),
  },
  {
    name: 'updateNode resizes a loop group',
    command: { kind: 'updateNode', nodeId: asNodeId('a'), patch: { size: { width: 500, height: 320 } } },
    check: (doc) => assert.deepEqual(doc.nodes[1]?.size, { width: 500, height: 320 }),
  },
  {
    name: 'a batch moves a node into a loop body at a position relative to the loop',
    command: {
      kind: 'batch',
      commands: [
        { kind: 'updateNode', nodeId: asNodeId('b'), patch: { parentId: asNodeId('a') } },
        { kind: 'moveNodes', moves: [{ nodeId: asNodeId('b'), position: { x: 20, y: 48 } }] },
      ],
    },
    check: (doc) => {
      assert.equal(doc.nodes[2]?.parentId, 'a');
      assert.deepEqual(doc.nodes[2]?.position, { x: 20, y: 48 });
    },
  },
  {
    name: 'updateNode sets onError',
    command: { kind: 'updateNode', nodeId: asNodeId('a'), patch: { settings: { onError: 'errorOutput' } } },
    check: (doc) => assert.equal(doc.nodes[1]?.settings?.onError, 'errorOutput'),
  },
  {
    name: 'updateNode upgrades the step version with the migrated config',
    command: {
      kind: 'updateNode',
      nodeId: asNodeId('b'),
      patch: { typeVersion: 2, config: { url: 'https://x.test' } },
    },
    check: (doc) => assert.deepEqual([doc.nodes[2]?.typeVersion, doc.nodes[2]?.config], [2, { url: 'https://x.test' }]),
  },
  {
    name: 'addEdges',
    command: { kind: 'addEdges', edges: [edge('a', 'c')] },
    check: (doc) => assert.equal(doc.edges.at(-1)?.id, 'a_c'),
  },
  {
    name: 'removeEdges',
    command: { kind: 'removeEdges', edgeIds: [asEdgeId('a_b'), asEdgeId('hook_a')] },
    check: (doc) =>
      assert.deepEqual(
        doc.edges.map((e) => e.id),
        ['hook_c', 'c_b'],
      ),
  },
  {
    name: 'addSubgraph (a pasted pair, one inside a loop copied with it, and their edge)',
    command: {
      kind: 'addSubgraph',
      nodes: [node('loop_2', { type: 'core.loop' }), node('d', { parentId: asNodeId('loop_2') })],
      edges: [edge('loop_2', 'd')],
    },
    check: (doc) => {
      assert.deepEqual(
        doc.nodes.map((n) => n.id),
        ['hook', 'a', 'b', 'c', 'loop_2', 'd'],
      );
      assert.equal(doc.edges.at(-1)?.id, 'loop_2_d');
    },
  },
  {
    name: 'batch of mixed commands',
    command: {
      kind: 'batch',
      commands: [
        { kind: 'addNodes', nodes: [node('d')] },
        { kind: 'addEdges', edges: [edge('b', 'd')] },
        { kind: 'removeNodes', nodeIds: [asNodeId('c')] },
        { kind: 'moveNodes', moves: [{ nodeId: asNodeId('d'), position: { x: 1, y: 2 } }] },
      ],
    },
    check: (doc) => {
      assert.deepEqual(
        doc.nodes.map((n) => n.id),
        ['hook', 'a', 'b', 'd'],
      );
      assert.deepEqual(
        doc.edges.map((e) => e.id),
        ['hook_a', 'a_b', 'b_d'],
      );
    },
  },
  {
    name: 'restore with entries in any order puts each at its index',
    command: {
      kind: 'restore',
      nodes: [
        { index: 5, item: node('z') },
        { index: 3, item: node('y') },
        { index: 1, item: node('x') },
      ],
      edges: [],
    },
    check: (doc) =>
      assert.deepEqual(
        doc.nodes.map((n) => n.id),
        ['hook', 'x', 'a', 'y', 'b', 'z', 'c'],
      ),
  },
  {
    name: 'restore (the inverse of a removal) at the original indexes',
    command: {
      kind: 'restore',
      nodes: [{ index: 1, item: node('x') }],
      edges: [{ index: 0, item: edge('hook', 'x') }],
    },
    check: (doc) => {
      assert.equal(doc.nodes[1]?.id, 'x');
      assert.equal(doc.edges[0]?.id, 'hook_x');
    },
  },
];

describe('applyCommand round trips', () => {
  for (const { name, command, check } of roundTrips) {
    it(`${name}: apply then inverse gives the original, and redo gives the change again`, () => {
      const original = sampleDoc();
      const snapshot = structuredClone(original);
      const applied = applyCommand(original, command);
      check?.(applied.doc);
      assert.notDeepEqual(applied.doc, original);
      const undone = applyCommand(applied.doc, applied.inverse);
      assert.deepEqual(undone.doc, original);
      assert.deepEqual(applyCommand(undone.doc, undone.inverse).doc, applied.doc);
      assert.deepEqual(original, snapshot, 'commands must not mutate their input');
    });
  }

  it('returns a resized loop group to its default size, and undo gives the size back', () => {
    const sized = applyCommand(sampleDoc(), {
      kind: 'updateNode',
      nodeId: asNodeId('a'),
      patch: { size: { width: 500, height: 320 } },
    }).doc;
    const reset = applyCommand(sized, { kind: 'updateNode', nodeId: asNodeId('a'), patch: { size: undefined } });
    assert.equal('size' in (reset.doc.nodes[1] ?? {}), false);
    assert.deepEqual(applyCommand(reset.doc, reset.inverse).doc.nodes[1]?.size, { width: 500, height: 320 });
  });

  it('undo of removeNodes puts nodes and their edges back at their original indexes', () => {
    const original = sampleDoc();
    const removed = applyCommand(original, { kind: 'removeNodes', nodeIds: [asNodeId('a'), asNodeId('c')] });
    assert.deepEqual(removed.inverse, {
      kind: 'restore',
      nodes: [
        { index: 1, item: original.nodes[1] },
        { index: 3, item: original.nodes[3] },
      ],
      edges: [
        { index: 0, item: original.edges[0] },
        { index: 1, item: original.edges[1] },
        { index: 2, item: original.edges[2] },
        { index: 3, item: original.edges[3] },
      ],
    });
    assert.deepEqual(removed.doc.edges, []);
    assert.deepEqual(applyCommand(removed.doc, removed.inverse).doc, original);
  });

  it('the inverse of an update restores exactly the fields the patch touched', () => {
    const { inverse } = applyCommand(sampleDoc(), {
      kind: 'updateNode',
      nodeId: asNodeId('c'),
      patch: { config: { fields: ['x'] } },
    });
    assert.deepEqual(inverse, { kind: 'updateNode', nodeId: 'c', patch: { config: { fields: [] } } });
  });

  it('the inverse of a batch undoes its commands in reverse order', () => {
    const { inverse } = applyCommand(sampleDoc(), {
      kind: 'batch',
      commands: [
        { kind: 'addNodes', nodes: [node('d')] },
        { kind: 'addEdges', edges: [edge('a', 'd')] },
      ],
    });
    assert.deepEqual(inverse, {
      kind: 'batch',
      commands: [
        { kind: 'removeEdges', edgeIds: ['a_d'] },
        { kind: 'removeNodes', nodeIds: ['d'] },
      ],
    });
  });
});

describe('addSubgraph: a paste is one undo step', () => {
  it('its inverse removes exactly the added edges, then the added nodes', () => {
    const { inverse } = applyCommand(sampleDoc(), {
      kind: 'addSubgraph',
      nodes: [node('d'), node('e')],
      edges: [edge('d', 'e'), edge('a', 'd')],
    });
    assert.deepEqual(inverse, {
      kind: 'batch',
      commands: [
        { kind: 'removeEdges', edgeIds: ['d_e', 'a_d'] },
        { kind: 'removeNodes', nodeIds: ['d', 'e'] },
      ],
    });
  });

  it('adds nothing when one edge or parent is wrong', () => {
    const original = sampleDoc();
    assert.throws(
      () => applyCommand(original, { kind: 'addSubgraph', nodes: [node('d')], edges: [edge('d', 'zz')] }),
      /target node "zz" does not exist/,
    );
    assert.throws(
      () =>
        applyCommand(original, { kind: 'addSubgraph', nodes: [node('d', { parentId: asNodeId('gone') })], edges: [] }),
      /node "d": parent node "gone" does not exist/,
    );
    assert.deepEqual(original, sampleDoc());
  });
});

describe('applyCommand errors', () => {
  const failures: { name: string; command: FlowCommand; message: RegExp }[] = [
    {
      name: 'adding a node id that exists',
      command: { kind: 'addNodes', nodes: [node('a')] },
      message: /node "a" already exists/,
    },
    {
      name: 'adding the same node twice',
      command: { kind: 'addNodes', nodes: [node('d'), node('d')] },
      message: /node "d" already exists/,
    },
    {
      name: 'removing an unknown node',
      command: { kind: 'removeNodes', nodeIds: [asNodeId('zz')] },
      message: /node "zz" does not exist/,
    },
    {
      name: 'moving an unknown node',
      command: { kind: 'moveNodes', moves: [{ nodeId: asNodeId('zz'), position: { x: 0, y: 0 } }] },
      message: /does not exist/,
    },
    {
      name: 'updating an unknown node',
      command: { kind: 'updateNode', nodeId: asNodeId('zz'), patch: { title: 'x' } },
      message: /node "zz" does not exist/,
    },
    {
      name: 'adding an edge id that exists',
      command: { kind: 'addEdges', edges: [edge('a', 'c', 'a_b')] },
      message: /edge "a_b" already exists/,
    },
    {
      name: 'adding the same edge twice',
      command: { kind: 'addEdges', edges: [edge('a', 'c'), edge('a', 'c')] },
      message: /edge "a_c" already exists/,
    },
    {
      name: 'adding an edge from an unknown node',
      command: { kind: 'addEdges', edges: [edge('zz', 'a')] },
      message: /source node "zz" does not exist/,
    },
    {
      name: 'adding an edge to an unknown node',
      command: { kind: 'addEdges', edges: [edge('a', 'zz')] },
      message: /target node "zz" does not exist/,
    },
    {
      name: 'removing an unknown edge',
      command: { kind: 'removeEdges', edgeIds: [asEdgeId('nope')] },
      message: /does not exist/,
    },
    {
      name: 'a subgraph whose node id exists',
      command: { kind: 'addSubgraph', nodes: [node('d'), node('a')], edges: [] },
      message: /node "a" already exists/,
    },
    {
      name: 'a subgraph whose edge id exists',
      command: { kind: 'addSubgraph', nodes: [node('d')], edges: [edge('a', 'd', 'a_b')] },
      message: /edge "a_b" already exists/,
    },
    {
      name: 'a batch with one bad command',
      command: {
        kind: 'batch',
        commands: [
          { kind: 'addNodes', nodes: [node('d')] },
          { kind: 'removeNodes', nodeIds: [asNodeId('zz')] },
        ],
      },
      message: /node "zz" does not exist/,
    },
  ];
  for (const { name, command, message } of failures) {
    it(`rejects ${name}`, () => {
      assert.throws(
        () => applyCommand(sampleDoc(), command),
        (error: unknown) =>
          error instanceof FlowCommandError && error.name === 'FlowCommandError' && message.test(error.message),
      );
    });
  }
});

describe('applyCommand property: random edit sequences undo to the original', () => {
  /** mulberry32: a tiny seeded PRNG, so a failure reproduces. */
  const createRandom = (seed: number) => () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };

  function randomCommand(doc: FlowDocument, random: () => number, counter: { next: number }, depth = 0): FlowCommand {
    const pick = <T>(list: T[]): T | undefined => list[Math.floor(random() * list.length)];
    const someNodes = () => doc.nodes.filter(() => random() < 0.3).map((n) => n.id);
    const roll = Math.floor(random() * 11);
    const target = pick(doc.nodes);
    if (roll === 0 || roll === 10 || (roll === 1 && !doc.edges.length) || !target) {
      const count = 1 + Math.floor(random() * 2);
      const nodes = Array.from({ length: count }, () =>
        node(`n${counter.next++}`, random() < 0.5 ? { title: 'T' } : {}),
      );
      // Roll 10 pastes instead: the new nodes, chained, plus an edge from an existing node when there is one.
      if (roll === 10 && target) {
        const [first, second] = nodes;
        const edges = [
          ...(first ? [edge(target.id, first.id, `e${counter.next++}`)] : []),
          ...(first && second ? [edge(first.id, second.id, `e${counter.next++}`)] : []),
        ];
        return { kind: 'addSubgraph', nodes, edges };
      }
      return { kind: 'addNodes', nodes };
    }
    if (roll === 9) {
      const second = pick(doc.nodes);
      return {
        kind: 'removeNodes',
        nodeIds: second && second.id !== target.id && random() < 0.3 ? [target.id, second.id] : [target.id],
      };
    }
    if (roll === 2)
      return {
        kind: 'moveNodes',
        moves: someNodes().map((nodeId) => ({ nodeId, position: { x: random(), y: random() } })),
      };
    if (roll === 3)
      return {
        kind: 'updateNode',
        nodeId: target.id,
        patch: { title: random() < 0.5 ? undefined : `t${counter.next++}` },
      };
    if (roll === 4)
      return {
        kind: 'updateNode',
        nodeId: target.id,
        patch: { config: { n: counter.next++ }, settings: random() < 0.5 ? undefined : { timeoutMs: 1000 } },
      };
    if (roll >= 5 && roll <= 7) {
      const other = pick(doc.nodes) ?? target;
      return { kind: 'addEdges', edges: [edge(target.id, other.id, `e${counter.next++}`)] };
    }
    if (roll === 1 && doc.edges.length) {
      const ids = doc.edges.filter(() => random() < 0.2).map((e) => e.id);
      return { kind: 'removeEdges', edgeIds: ids };
    }
    if (depth > 1) return { kind: 'moveNodes', moves: [] };
    // A batch: each command is generated against the document the previous one produced.
    const commands: FlowCommand[] = [];
    let current = doc;
    for (let i = 0; i < 3; i++) {
      const command = randomCommand(current, random, counter, depth + 1);
      current = applyCommand(current, command).doc;
      commands.push(command);
    }
    return { kind: 'batch', commands };
  }

  for (const seed of [1, 7, 2024]) {
    it(`seed ${seed}: 200 commands, then undo all → original, redo all → final`, () => {
      const random = createRandom(seed);
      const counter = { next: 0 };
      const original = sampleDoc();
      let doc = original;
      const undo: FlowCommand[] = [];
      const states: FlowDocument[] = [];
      for (let step = 0; step < 200; step++) {
        const result = applyCommand(doc, randomCommand(doc, random, counter));
        undo.push(result.inverse);
        states.push(doc);
        doc = result.doc;
      }
      const final = doc;
      assert.ok(
        states.some((state) => state.nodes.length > 6 && state.edges.length > 4),
        'the sequence should build a non-trivial graph',
      );
      const redo: FlowCommand[] = [];
      for (let step = 199; step >= 0; step--) {
        const inverse = undo[step];
        if (!inverse) assert.fail('missing inverse');
        const result = applyCommand(doc, inverse);
        assert.deepEqual(result.doc, states[step], `undo of step ${step}`);
        redo.push(result.inverse);
        doc = result.doc;
      }
      assert.deepEqual(doc, original);
      for (const command of redo.reverse()) doc = applyCommand(doc, command).doc;
      assert.deepEqual(doc, final);
    });
  }
});
