import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyCommand, type FlowCommand, FlowCommandError } from './commands.ts';
import { diffFlows, isEmptyDiff } from './diff.ts';
import { type FlowDocument, type FlowNode, flowDocumentSchema } from './document.ts';
import { asEdgeId, asNodeId } from './ids.ts';
import {
  DEFAULT_PINNED_DATA_LIMITS,
  formatBytes,
  jsonByteLength,
  pinnedDataFor,
  pinnedDataProblems,
  pinProblem,
  withoutPinnedData,
} from './pinned-data.ts';

const node = (id: string, extra: Partial<FlowNode> = {}): FlowNode => ({
  id: asNodeId(id),
  type: 'core.transform',
  typeVersion: 1,
  position: { x: 0, y: 0 },
  config: {},
  ...extra,
});

/** hook → fetch → shape, with fetch's output pinned. */
const pinnedDoc = (): FlowDocument => ({
  schemaVersion: 1,
  nodes: [node('hook', { type: 'core.manual' }), node('fetch', { type: 'http.request' }), node('shape')],
  edges: [
    { id: asEdgeId('e1'), source: asNodeId('hook'), target: asNodeId('fetch'), sourcePort: 'out', targetPort: 'in' },
    { id: asEdgeId('e2'), source: asNodeId('fetch'), target: asNodeId('shape'), sourcePort: 'out', targetPort: 'in' },
  ],
  pinnedData: { fetch: { status: 200, body: { id: 7, name: 'Ada' } } },
});

const apply = (doc: FlowDocument, command: FlowCommand) => applyCommand(doc, command);

describe('pinned data in the document schema', () => {
  it('accepts pins of nodes of the flow, null included, and keeps them through a parse', () => {
    const doc = { ...pinnedDoc(), pinnedData: { fetch: { body: [1, 2] }, shape: null } };
    assert.deepEqual(flowDocumentSchema.parse(doc).pinnedData, { fetch: { body: [1, 2] }, shape: null });
  });

  it('refuses a pin of a node that is not in the flow, naming it', () => {
    const result = flowDocumentSchema.safeParse({ ...pinnedDoc(), pinnedData: { gone: { a: 1 } } });
    assert.equal(result.success, false);
    assert.deepEqual(
      result.error?.issues.map((issue) => [issue.path.join('.'), issue.message]),
      [['pinnedData.gone', 'pins data to node "gone", which is not in this flow']],
    );
  });

  it('pins a node whose id is `__proto__` as data, never as a prototype', () => {
    const doc: FlowDocument = { schemaVersion: 1, nodes: [node('__proto__')], edges: [] };
    const pinned = apply(doc, { kind: 'pinData', nodeId: asNodeId('__proto__'), data: { polluted: true } });
    assert.deepEqual(pinnedDataFor(pinned.doc, '__proto__'), { data: { polluted: true } });
    assert.equal(Object.getPrototypeOf(pinned.doc.pinnedData), Object.prototype);
    const unpinned = apply(pinned.doc, { kind: 'unpinData', nodeId: asNodeId('__proto__') });
    assert.deepEqual(apply(unpinned.doc, unpinned.inverse).doc, pinned.doc);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});

describe('pin and unpin commands', () => {
  it('pin sets a node’s sample, unpin removes it, and each undoes the other', () => {
    const doc = pinnedDoc();
    const pinned = apply(doc, { kind: 'pinData', nodeId: asNodeId('shape'), data: { total: 3 } });
    assert.deepEqual(pinned.doc.pinnedData, { fetch: doc.pinnedData?.fetch, shape: { total: 3 } });
    assert.deepEqual(pinned.inverse, { kind: 'unpinData', nodeId: 'shape' });
    assert.deepEqual(apply(pinned.doc, pinned.inverse).doc, doc);

    const unpinned = apply(doc, { kind: 'unpinData', nodeId: asNodeId('fetch') });
    assert.equal('pinnedData' in unpinned.doc, false, 'no pins left: no pinnedData key');
    assert.deepEqual(unpinned.inverse, { kind: 'pinData', nodeId: 'fetch', data: doc.pinnedData?.fetch });
    assert.deepEqual(apply(unpinned.doc, unpinned.inverse).doc, doc);
  });

  it('re-pinning replaces the sample, and undo gives the former one back', () => {
    const doc = pinnedDoc();
    const replaced = apply(doc, { kind: 'pinData', nodeId: asNodeId('fetch'), data: null });
    assert.deepEqual(pinnedDataFor(replaced.doc, 'fetch'), { data: null });
    assert.deepEqual(apply(replaced.doc, replaced.inverse).doc, doc);
  });

  it('refuses to pin a node that does not exist, or no value at all', () => {
    assert.throws(
      () => apply(pinnedDoc(), { kind: 'pinData', nodeId: asNodeId('nope'), data: 1 }),
      (error) => error instanceof FlowCommandError && /node "nope" does not exist/.test(error.message),
    );
    assert.throws(
      () => apply(pinnedDoc(), { kind: 'pinData', nodeId: asNodeId('shape'), data: undefined }),
      /must be a JSON value/,
    );
  });

  it('deleting a node drops its pin, and undo restores node, edges and pin', () => {
    const doc = pinnedDoc();
    const removed = apply(doc, { kind: 'removeNodes', nodeIds: [asNodeId('fetch')] });
    assert.equal('pinnedData' in removed.doc, false);
    assert.equal(flowDocumentSchema.safeParse(removed.doc).success, true, 'no pin of a missing node is left');
    const undone = apply(removed.doc, removed.inverse);
    assert.deepEqual(undone.doc, doc);
    assert.deepEqual(apply(undone.doc, undone.inverse).doc, removed.doc, 'redo drops the pin again');
  });

  it('deleting a node keeps the pins of the others', () => {
    const doc = { ...pinnedDoc(), pinnedData: { fetch: 1, shape: 2 } };
    const removed = apply(doc, { kind: 'removeNodes', nodeIds: [asNodeId('shape')] });
    assert.deepEqual(removed.doc.pinnedData, { fetch: 1 });
    assert.deepEqual(apply(removed.doc, removed.inverse).doc, doc);
  });

  it('a batch of pin, delete and unpin undoes to the original in one step', () => {
    const doc = pinnedDoc();
    const edited = apply(doc, {
      kind: 'batch',
      commands: [
        { kind: 'pinData', nodeId: asNodeId('shape'), data: { x: 1 } },
        { kind: 'removeNodes', nodeIds: [asNodeId('fetch')] },
        { kind: 'unpinData', nodeId: asNodeId('shape') },
      ],
    });
    assert.equal('pinnedData' in edited.doc, false);
    assert.deepEqual(apply(edited.doc, edited.inverse).doc, doc);
  });
});

describe('pinned data sizes', () => {
  it('counts UTF-8 bytes of the JSON text', () => {
    assert.equal(jsonByteLength({ a: 'é' }), 10);
    assert.equal(jsonByteLength('😀'), 6);
    assert.equal(jsonByteLength(null), 4);
    assert.equal(formatBytes(256 * 1024), '256 KiB');
    assert.equal(formatBytes(1536), '1.5 KiB');
  });

  const limits = { maxBytesPerNode: 100, maxBytesPerFlow: 150 };
  const sized = (pins: Record<string, number>): FlowDocument => ({
    ...pinnedDoc(),
    pinnedData: Object.fromEntries(Object.entries(pins).map(([id, length]) => [id, 'x'.repeat(length - 2)])),
  });

  const cases: { name: string; pins: Record<string, number>; expected: [string, string, number][] }[] = [
    { name: 'within both limits', pins: { fetch: 100, shape: 50 }, expected: [] },
    { name: 'one node over its limit', pins: { fetch: 101 }, expected: [['fetch', 'node', 101]] },
    {
      name: 'the flow over its limit, naming the largest pin',
      pins: { fetch: 60, shape: 91 },
      expected: [['shape', 'flow', 151]],
    },
    {
      name: 'both',
      pins: { fetch: 120, shape: 90 },
      expected: [
        ['fetch', 'node', 120],
        ['fetch', 'flow', 210],
      ],
    },
  ];
  for (const { name, pins, expected } of cases) {
    it(`finds problems: ${name}`, () => {
      const problems = pinnedDataProblems(sized(pins), limits);
      assert.deepEqual(
        problems.map((problem) => [problem.nodeId, problem.scope, problem.bytes]),
        expected,
      );
      for (const problem of problems) assert.match(problem.message, new RegExp(`"${problem.nodeId}"`));
    });
  }

  it('says before pinning why a pin would be refused, naming the node and the limit', () => {
    const doc = sized({ fetch: 100 });
    assert.equal(pinProblem({ doc, nodeId: 'shape', data: 'x'.repeat(48), limits }), undefined);
    assert.match(
      pinProblem({ doc, nodeId: 'shape', data: 'x'.repeat(200), limits })?.message ?? '',
      /Cannot pin the output of node "shape": it is 202 B and the limit is 100 B per node/,
    );
    assert.match(
      pinProblem({ doc, nodeId: 'shape', data: 'x'.repeat(60), limits })?.message ?? '',
      /node "shape" \(62 B\): this flow's pinned data would be 162 B and the limit is 150 B per flow/,
    );
    assert.equal(pinProblem({ doc, nodeId: 'fetch', data: 'x'.repeat(90), limits }), undefined, 'a re-pin replaces');
    assert.deepEqual(DEFAULT_PINNED_DATA_LIMITS, { maxBytesPerNode: 262_144, maxBytesPerFlow: 1_048_576 });
  });

  it('strips pins for what runs and versions keep', () => {
    const doc = pinnedDoc();
    assert.equal('pinnedData' in withoutPinnedData(doc), false);
    assert.deepEqual(withoutPinnedData(doc).nodes, doc.nodes);
  });
});

describe('pin commands property: random pins, unpins and deletions undo to the original', () => {
  const createRandom = (seed: number) => () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (const seed of [3, 11]) {
    it(`seed ${seed}: 150 commands, undo all → original, redo all → final`, () => {
      const random = createRandom(seed);
      let counter = 0;
      const original = pinnedDoc();
      let doc = original;
      const undo: FlowCommand[] = [];
      const states: FlowDocument[] = [];
      for (let step = 0; step < 150; step += 1) {
        const target = doc.nodes[Math.floor(random() * doc.nodes.length)];
        const roll = random();
        const command: FlowCommand =
          !target || roll < 0.2
            ? { kind: 'addNodes', nodes: [node(`n${counter++}`)] }
            : roll < 0.55
              ? { kind: 'pinData', nodeId: target.id, data: random() < 0.2 ? null : { n: counter++ } }
              : roll < 0.75
                ? { kind: 'unpinData', nodeId: target.id }
                : { kind: 'removeNodes', nodeIds: [target.id] };
        const result = apply(doc, command);
        assert.equal(flowDocumentSchema.safeParse(result.doc).success, true, `step ${step} leaves a valid document`);
        undo.push(result.inverse);
        states.push(doc);
        doc = result.doc;
      }
      const final = doc;
      const redo: FlowCommand[] = [];
      for (let step = 149; step >= 0; step -= 1) {
        const inverse = undo[step];
        if (!inverse) assert.fail('missing inverse');
        const result = apply(doc, inverse);
        assert.deepEqual(result.doc, states[step], `undo of step ${step}`);
        redo.push(result.inverse);
        doc = result.doc;
      }
      for (const command of redo.reverse()) doc = apply(doc, command).doc;
      assert.deepEqual(doc, final);
    });
  }
});

describe('pinned data in a version diff', () => {
  it('is not a change', () => {
    assert.equal(isEmptyDiff(diffFlows(withoutPinnedData(pinnedDoc()), pinnedDoc())), true);
  });
});

describe('pinned data messages', () => {
  it('give exact bytes when rounding would make the size read as the limit', () => {
    const limits = { maxBytesPerNode: 1024 * 1024, maxBytesPerFlow: 1024 * 1024 };
    const doc: FlowDocument = { ...pinnedDoc(), pinnedData: { fetch: 'x'.repeat(1024 * 1024 - 2) } };
    assert.match(
      pinProblem({ doc, nodeId: 'shape', data: 'abc', limits })?.message ?? '',
      /would be 1048581 bytes and the limit is 1048576 bytes \(1 MiB\) per flow/,
    );
  });
});
