import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { asEdgeId, asNodeId, type FlowDocument } from '@pipewright/flow';
import {
  acceptSuggestion,
  buildSampleContext,
  filterSuggestions,
  insertFieldAt,
  type MappingSources,
  mergeSamples,
  previewTemplate,
  previewValue,
  suggestPaths,
  tokenAtCaret,
  upstreamNodeIds,
} from './data-mapping.ts';

const node = (id: string, type: string) => ({
  id: asNodeId(id),
  type,
  typeVersion: 1,
  position: { x: 0, y: 0 },
  config: {},
});
const edge = (source: string, target: string) => ({
  id: asEdgeId(`${source}__${target}`),
  source: asNodeId(source),
  target: asNodeId(target),
  sourcePort: 'out',
  targetPort: 'in',
});

/** hook → shape → call → notify, and hook → side (a branch the call does not see). */
const doc: FlowDocument = {
  schemaVersion: 1,
  nodes: [
    node('hook', 'core.webhook'),
    node('shape', 'core.transform'),
    node('call', 'http.request'),
    node('notify', 'http.request'),
    node('side', 'core.transform'),
  ],
  edges: [edge('hook', 'shape'), edge('shape', 'call'), edge('call', 'notify'), edge('hook', 'side')],
};

const manifests: MappingSources['manifests'] = new Map([
  [
    'core.webhook',
    {
      kind: 'trigger',
      outputSchema: { type: 'object', properties: { method: { type: 'string' }, body: {} } },
    },
  ],
  ['core.transform', { kind: 'transform', outputSchema: {} }],
  [
    'http.request',
    {
      kind: 'action',
      outputSchema: { type: 'object', properties: { status: { type: 'number' }, body: {} } },
    },
  ],
]);

const samples = {
  hook: { method: 'POST', body: { name: 'Ada', items: [{ sku: 'A1' }], 'x-id': 7 } },
  shape: { customer: 'ADA' },
  side: { never: true },
};

const sources = (nodeId: string): MappingSources => ({ doc, nodeId, manifests, samples });

describe('upstreamNodeIds', () => {
  it('returns transitive predecessors nearest first, not siblings or successors', () => {
    assert.deepEqual(upstreamNodeIds(doc, 'notify'), ['call', 'shape', 'hook']);
    assert.deepEqual(upstreamNodeIds(doc, 'call'), ['shape', 'hook']);
    assert.deepEqual(upstreamNodeIds(doc, 'hook'), []);
  });

  it('terminates on cycles', () => {
    const cyclic: FlowDocument = { ...doc, edges: [...doc.edges, edge('notify', 'shape')] };
    assert.deepEqual(new Set(upstreamNodeIds(cyclic, 'call')), new Set(['shape', 'hook', 'notify']));
  });
});

describe('suggestPaths', () => {
  const paths = (nodeId: string) => suggestPaths(sources(nodeId)).map((entry) => entry.path);

  it('combines upstream output schemas and sample data under trigger, steps and input', () => {
    const all = paths('call');
    for (const expected of [
      'trigger',
      'trigger.method',
      'trigger.body.name',
      'trigger.body.items[0].sku',
      'trigger.body.`x-id`',
      'steps.shape.customer',
      'steps.hook.body.name',
      'input.customer',
      'run.id',
    ]) {
      assert.ok(all.includes(expected), `${expected} is suggested`);
    }
    assert.ok(!all.some((path) => path.startsWith('steps.side')), 'a parallel branch is not upstream');
    assert.ok(!all.some((path) => path.startsWith('steps.notify')), 'a successor is not upstream');
  });

  it('marks paths known from both the schema and a sample', () => {
    const method = suggestPaths(sources('call')).find((entry) => entry.path === 'trigger.method');
    assert.equal(method?.source, 'both');
    assert.equal(method?.type, 'string');
    const status = suggestPaths(sources('notify')).find((entry) => entry.path === 'steps.call.status');
    assert.equal(status?.source, 'schema');
  });

  it('filters by the typed prefix, one level deeper first', () => {
    const found = filterSuggestions(suggestPaths(sources('call')), 'trigger.b').map((entry) => entry.path);
    assert.equal(found[0], 'trigger.body');
    assert.ok(found.includes('trigger.body.name'));
    assert.ok(found.every((path) => path.startsWith('trigger.b')));
    assert.deepEqual(filterSuggestions(suggestPaths(sources('call')), 'nothing'), []);
  });
});

describe('tokenAtCaret and acceptSuggestion', () => {
  it('finds the path being typed inside an open expression only', () => {
    assert.deepEqual(tokenAtCaret('Hi {{ trigger.bo', 16), { start: 6, end: 16, prefix: 'trigger.bo' });
    assert.deepEqual(tokenAtCaret('{{ ', 3), { start: 3, end: 3, prefix: '' });
    assert.equal(tokenAtCaret('{{ a }} trigger.', 16), null, 'after a closed expression');
    assert.equal(tokenAtCaret('plain trigger.', 14), null);
  });

  it('replaces the token and closes the expression when needed', () => {
    const open = 'Hi {{ trigger.bo';
    const token = tokenAtCaret(open, open.length);
    assert.ok(token);
    assert.deepEqual(acceptSuggestion(open, token, 'trigger.body'), { text: 'Hi {{ trigger.body }}', caret: 18 });

    const closed = '{{ trig }}!';
    const inner = tokenAtCaret(closed, 7);
    assert.ok(inner);
    assert.deepEqual(acceptSuggestion(closed, inner, 'trigger'), { text: '{{ trigger }}!', caret: 10 });
  });
});

describe('insertFieldAt', () => {
  it('wraps the path in braces in plain text, at the caret', () => {
    assert.deepEqual(insertFieldAt('Hello !', 6, 'trigger.body.name'), {
      text: 'Hello {{ trigger.body.name }}!',
      caret: 29,
    });
    assert.deepEqual(insertFieldAt('', 0, 'input'), { text: '{{ input }}', caret: 11 });
    assert.equal(insertFieldAt('abc', 99, 'x').text, 'abc{{ x }}', 'a caret past the end appends');
  });

  it('inserts the bare path when dropped inside an expression', () => {
    assert.equal(
      insertFieldAt('{{ $uppercase() }}', 14, 'trigger.body.name').text,
      '{{ $uppercase(trigger.body.name) }}',
    );
  });
});

describe('sample context and preview', () => {
  it('builds trigger, upstream steps and input from samples', () => {
    const context = buildSampleContext(sources('call'));
    assert.deepEqual(context.trigger, samples.hook);
    assert.deepEqual(context.input, samples.shape);
    assert.deepEqual(Object.keys(context.steps as object).sort(), ['hook', 'shape']);
  });

  it('evaluates templates like the runtime, and reports errors instead of throwing', async () => {
    const context = buildSampleContext(sources('call'));
    assert.deepEqual(await previewTemplate('{{ $uppercase(trigger.body.name) }}', context), {
      ok: true,
      value: 'ADA',
      text: '"ADA"',
    });
    assert.deepEqual(await previewTemplate('Dear {{ input.customer }}', context), {
      ok: true,
      value: 'Dear ADA',
      text: '"Dear ADA"',
    });
    const long = await previewTemplate('{{ trigger }}', context, 20);
    assert.ok(long.ok && long.text.length === 20 && long.text.endsWith('…'));
    const broken = await previewTemplate('{{ trigger.( }}', context);
    assert.equal(broken.ok, false);
    const unclosed = await previewTemplate('{{ trigger', context);
    assert.ok(!unclosed.ok && /never closed/.test(unclosed.error));
  });
});

describe('mergeSamples and previewValue', () => {
  it('takes succeeded run outputs and lets pinned samples win', () => {
    const merged = mergeSamples(
      {
        a: { status: 'succeeded', output: 1 },
        b: { status: 'failed', output: 2 },
        c: { status: 'succeeded', output: 3 },
      },
      { c: 'pinned' },
    );
    assert.deepEqual(merged, { a: 1, c: 'pinned' });
  });

  it('evaluates templates nested in a JSON value', async () => {
    const context = buildSampleContext(sources('call'));
    const result = await previewValue({ who: '{{ input.customer }}', n: 1 }, context);
    assert.deepEqual(result.ok && result.value, { who: 'ADA', n: 1 });
  });
});
