import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  applyCommand,
  asEdgeId,
  asNodeId,
  type FlowDocument,
  type FlowNode,
  flowDocumentSchema,
} from '@pipewright/flow';
import {
  buildClipboardPayload,
  type ClipboardPayload,
  freshId,
  PASTE_STEP,
  parseClipboardPayload,
  planPaste,
  serializeClipboardPayload,
} from './clipboard-payload.ts';

const node = (id: string, extra: Partial<FlowNode> = {}): FlowNode => ({
  id: asNodeId(id),
  type: 'core.transform',
  typeVersion: 1,
  position: { x: 0, y: 0 },
  config: {},
  ...extra,
});
const edge = (source: string, target: string) => ({
  id: asEdgeId(`${source}__${target}`),
  source: asNodeId(source),
  sourcePort: 'out',
  target: asNodeId(target),
  targetPort: 'in',
});

/** hook → transform → http; a loop with two body nodes (each → the next) after http. */
const sampleDoc = (): FlowDocument => ({
  schemaVersion: 1,
  nodes: [
    node('hook', { type: 'core.webhook', position: { x: 0, y: 0 } }),
    node('transform', {
      position: { x: 300, y: 0 },
      config: { fields: [{ name: 'n', value: '{{ trigger.body.n }}' }] },
    }),
    node('http', {
      type: 'http.request',
      position: { x: 600, y: 0 },
      config: { body: '{{ steps.transform.n }} and {{ steps.hook.body }}', headers: { x: ['steps.transform'] } },
    }),
    node('loop', { type: 'core.loop', position: { x: 900, y: 0 } }),
    node('inner', { parentId: asNodeId('loop'), position: { x: 20, y: 60 } }),
    node('inner_2', { parentId: asNodeId('loop'), position: { x: 280, y: 60 } }),
  ],
  edges: [edge('hook', 'transform'), edge('transform', 'http'), edge('http', 'loop'), edge('inner', 'inner_2')],
});

const copy = (doc: FlowDocument, ...ids: string[]): ClipboardPayload => {
  const payload = buildClipboardPayload({ doc, flowId: 'flow_a', nodeIds: ids });
  if (!payload) assert.fail('expected a payload');
  return payload;
};

describe('copy: what goes on the clipboard', () => {
  it('keeps the edges between copied nodes and drops the ones leaving the selection', () => {
    const payload = copy(sampleDoc(), 'transform', 'http');
    assert.deepEqual(
      payload.nodes.map((n) => n.id),
      ['transform', 'http'],
    );
    assert.deepEqual(
      payload.edges.map((e) => e.id),
      ['transform__http'],
    );
    assert.equal(payload.format, 'pipewright/flow-selection');
    assert.equal(payload.version, 1);
  });

  it("takes a Loop's body with it, and a body node copied alone leaves the loop at its absolute position", () => {
    const withLoop = copy(sampleDoc(), 'loop');
    assert.deepEqual(
      withLoop.nodes.map((n) => [n.id, n.parentId]),
      [
        ['loop', undefined],
        ['inner', 'loop'],
        ['inner_2', 'loop'],
      ],
    );
    assert.deepEqual(
      withLoop.edges.map((e) => e.id),
      ['inner__inner_2'],
    );
    const alone = copy(sampleDoc(), 'inner');
    assert.equal('parentId' in (alone.nodes[0] ?? {}), false);
    assert.deepEqual(alone.nodes[0]?.position, { x: 920, y: 60 });
  });

  it('copies nothing when nothing (or only unknown ids) is selected', () => {
    assert.equal(buildClipboardPayload({ doc: sampleDoc(), flowId: 'f', nodeIds: [] }), null);
    assert.equal(buildClipboardPayload({ doc: sampleDoc(), flowId: 'f', nodeIds: ['ghost'] }), null);
  });
});

describe('paste: ids remapped, references renamed, offset', () => {
  it('gives a paste into the same flow fresh ids, its own edge, and an offset', () => {
    const doc = sampleDoc();
    const plan = planPaste({ doc, flowId: 'flow_a', payload: copy(doc, 'transform', 'http') });
    assert.deepEqual(plan.nodeIds, ['transform_2', 'http_2']);
    assert.deepEqual(
      plan.edges.map((e) => [e.id, e.source, e.target]),
      [['transform_2__http_2', 'transform_2', 'http_2']],
    );
    assert.deepEqual(plan.nodes[0]?.position, { x: 300 + PASTE_STEP, y: PASTE_STEP });
    // http's reference to the copied transform follows the copy; the one to the webhook (not copied) stays.
    assert.deepEqual(plan.nodes[1]?.config, {
      body: '{{ steps.transform_2.n }} and {{ steps.hook.body }}',
      headers: { x: ['steps.transform_2'] },
    });
  });

  it('pasting twice cascades instead of stacking copies on each other', () => {
    const doc = sampleDoc();
    const payload = copy(doc, 'transform');
    const first = planPaste({ doc, flowId: 'flow_a', payload });
    const after = { ...doc, nodes: [...doc.nodes, ...first.nodes] };
    const second = planPaste({ doc: after, flowId: 'flow_a', payload });
    assert.deepEqual(second.nodeIds, ['transform_3']);
    assert.deepEqual(second.nodes[0]?.position, { x: 300 + 2 * PASTE_STEP, y: 2 * PASTE_STEP });
  });

  it('keeps ids and positions in another flow where they are free', () => {
    const payload = copy(sampleDoc(), 'transform', 'http');
    const plan = planPaste({ doc: { schemaVersion: 1, nodes: [], edges: [] }, flowId: 'flow_b', payload });
    assert.deepEqual(plan.nodeIds, ['transform', 'http']);
    assert.deepEqual(plan.nodes[0]?.position, { x: 300, y: 0 });
  });

  it('moves a Loop and re-parents its body to the new Loop id, body positions staying relative', () => {
    const doc = sampleDoc();
    const plan = planPaste({ doc, flowId: 'flow_a', payload: copy(doc, 'loop') });
    assert.deepEqual(
      plan.nodes.map((n) => [n.id, n.parentId, n.position.x]),
      [
        ['loop_2', undefined, 900 + PASTE_STEP],
        ['inner_3', 'loop_2', 20],
        ['inner_4', 'loop_2', 280],
      ],
    );
    assert.deepEqual(
      plan.edges.map((e) => e.id),
      ['inner_3__inner_4'],
    );
  });

  it('lists parents before bodies whatever order the payload had', () => {
    const doc = sampleDoc();
    const payload = copy(doc, 'loop');
    const reversed = { ...payload, nodes: [...payload.nodes].reverse() };
    const plan = planPaste({ doc: { schemaVersion: 1, nodes: [], edges: [] }, flowId: 'other', payload: reversed });
    assert.equal(plan.nodes[0]?.id, 'loop');
  });

  it('refuses a paste that would pass the 5,000-step limit', () => {
    const big: FlowDocument = {
      schemaVersion: 1,
      nodes: Array.from({ length: 4999 }, (_, i) => node(`n${i}`)),
      edges: [],
    };
    assert.throws(
      () => planPaste({ doc: big, flowId: 'flow_a', payload: copy(sampleDoc(), 'transform', 'http') }),
      /at most 5000 steps/,
    );
  });

  it('freshId strips a numeric suffix before counting and stays within 64 characters', () => {
    assert.equal(freshId('transform_2', new Set(['transform_2'])), 'transform_3');
    assert.equal(freshId('free', new Set()), 'free');
    const long = 'x'.repeat(64);
    const fresh = freshId(long, new Set([long]));
    assert.ok(fresh.length <= 64 && fresh.endsWith('_2'));
  });
});

describe('parse: pasted text is hostile until checked', () => {
  const valid = () => JSON.parse(serializeClipboardPayload(copy(sampleDoc(), 'loop'))) as Record<string, unknown>;

  it('round-trips a copy', () => {
    const parsed = parseClipboardPayload(serializeClipboardPayload(copy(sampleDoc(), 'transform', 'http')));
    assert.equal(parsed.ok, true);
    if (parsed.ok) assert.deepEqual(parsed.payload, copy(sampleDoc(), 'transform', 'http'));
  });

  it('calls ordinary text foreign, not an error', () => {
    for (const text of ['hello', '', '{"a":1}', '{not json', '[1,2]']) {
      const parsed = parseClipboardPayload(text);
      assert.equal(parsed.ok, false, text);
      if (!parsed.ok) assert.equal(parsed.reason, 'foreign', text);
    }
  });

  const cases: { name: string; change: (raw: Record<string, unknown>) => unknown; error: RegExp }[] = [
    { name: 'another version', change: (raw) => ({ ...raw, version: 2 }), error: /^version: .*version 2/ },
    {
      name: 'no source flow',
      change: (raw) => ({ ...raw, sourceFlowId: 7 }),
      error: /^sourceFlowId: must be a string/,
    },
    {
      name: 'a node id that expressions could not use',
      change: (raw) => ({ ...raw, nodes: [{ ...(raw.nodes as object[])[0], id: 'x"; alert(1)' }] }),
      error: /^nodes\.0\.id: must start with a letter/,
    },
    {
      name: 'an unknown node field',
      change: (raw) => ({ ...raw, nodes: [{ ...(raw.nodes as object[])[0], evil: true }] }),
      error: /^nodes\.0: /,
    },
    {
      name: 'a position that is not a finite number',
      change: (raw) => ({ ...raw, nodes: [{ ...(raw.nodes as object[])[0], position: { x: 'a', y: 0 } }] }),
      error: /^nodes\.0\.position\.x: /,
    },
    { name: 'no nodes', change: (raw) => ({ ...raw, nodes: [], edges: [] }), error: /^nodes: nothing was copied/ },
    {
      name: 'duplicate node ids',
      change: (raw) => ({ ...raw, nodes: [(raw.nodes as object[])[0], (raw.nodes as object[])[0]], edges: [] }),
      error: /duplicate node id "loop"/,
    },
    {
      name: 'an edge to a node outside the payload',
      change: (raw) => ({ ...raw, edges: [{ ...(raw.edges as object[])[0], target: 'elsewhere' }] }),
      error: /^edges\.0\.target: "elsewhere" is not among the copied steps/,
    },
    {
      name: 'a body whose Loop was not copied',
      change: (raw) => ({ ...raw, nodes: (raw.nodes as object[]).slice(1), edges: [] }),
      error: /^nodes\.0\.parentId: "loop" is not among the copied steps/,
    },
  ];
  for (const { name, change, error } of cases) {
    it(`rejects ${name}, naming the field`, () => {
      const parsed = parseClipboardPayload(JSON.stringify(change(valid())));
      assert.equal(parsed.ok, false);
      if (!parsed.ok) {
        assert.equal(parsed.reason, 'invalid');
        assert.match(parsed.error, error);
      }
    });
  }

  it('keeps a "__proto__" key in a config as data through paste', () => {
    const raw = valid();
    const text = JSON.stringify(raw).replace('"config":{}', '"config":{"__proto__":{"polluted":true}}');
    const parsed = parseClipboardPayload(text);
    assert.equal(parsed.ok, true);
    if (!parsed.ok) return;
    const plan = planPaste({ doc: sampleDoc(), flowId: 'x', payload: parsed.payload });
    for (const pasted of plan.nodes) assert.equal(Object.getPrototypeOf(pasted.config), Object.prototype);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});

describe('parse: fuzzed clipboard text never throws, and what it accepts pastes cleanly', () => {
  /** mulberry32: a tiny seeded PRNG, so a failure reproduces. */
  const createRandom = (seed: number) => () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const replacements = ['', '"', '{', '}', '[', ']', ',', ':', '0', '-1', 'null', '"loop"', '"x"', 'true', '1e999'];

  for (const seed of [3, 11, 99]) {
    it(`seed ${seed}: 300 mutations of a copied Loop`, () => {
      const random = createRandom(seed);
      const text = serializeClipboardPayload(copy(sampleDoc(), 'loop', 'transform', 'http'));
      let accepted = 0;
      for (let round = 0; round < 300; round++) {
        let mutated = text;
        for (let edits = 1 + Math.floor(random() * 3); edits > 0; edits--) {
          const at = Math.floor(random() * mutated.length);
          const length = Math.floor(random() * 6);
          const replacement = replacements[Math.floor(random() * replacements.length)] ?? '';
          mutated = mutated.slice(0, at) + replacement + mutated.slice(at + length);
        }
        const parsed = parseClipboardPayload(mutated);
        if (!parsed.ok) {
          assert.match(parsed.error, /\S/);
          continue;
        }
        accepted++;
        // Whatever passed the checks pastes as one valid command into the flow it came from.
        const doc = sampleDoc();
        const plan = planPaste({ doc, flowId: 'flow_a', payload: parsed.payload });
        const ids = new Set<string>([...doc.nodes, ...plan.nodes].map((n) => n.id));
        assert.equal(ids.size, doc.nodes.length + plan.nodes.length, 'fresh ids');
        for (const pasted of plan.edges) assert.ok(ids.has(pasted.source) && ids.has(pasted.target));
        for (const pasted of plan.nodes) assert.ok(pasted.parentId === undefined || ids.has(pasted.parentId));
        const { doc: after } = applyCommand(doc, { kind: 'addSubgraph', nodes: plan.nodes, edges: plan.edges });
        assert.equal(flowDocumentSchema.safeParse(after).success, true, 'the flow stays a valid document');
      }
      assert.ok(accepted > 0, 'some mutations (inside config strings, say) stay valid');
    });
  }
});
