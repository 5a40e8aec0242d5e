import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diffFlows, isEmptyDiff } from './diff.ts';
import type { FlowDocument, FlowEdge, FlowNode } from './document.ts';
import { asEdgeId, asNodeId } from './ids.ts';

const node = (id: string, extra: Partial<FlowNode> = {}): FlowNode => ({
  id: asNodeId(id),
  type: 'http.request',
  typeVersion: 1,
  position: { x: 0, y: 0 },
  config: { url: 'https://a.example', headers: { accept: 'json' }, fields: [{ name: 'a', value: '1' }] },
  ...extra,
});
const edge = (source: string, target: string, extra: Partial<FlowEdge> = {}): FlowEdge => ({
  id: asEdgeId(`${source}__${target}`),
  source: asNodeId(source),
  target: asNodeId(target),
  sourcePort: 'out',
  targetPort: 'in',
  ...extra,
});
const doc = (nodes: FlowNode[], edges: FlowEdge[]): FlowDocument => ({ schemaVersion: 1, nodes, edges });

const base = () => doc([node('hook', { type: 'core.webhook', config: {} }), node('call')], [edge('hook', 'call')]);

describe('diffFlows', () => {
  it('finds nothing between identical (and structurally equal) documents', () => {
    const diff = diffFlows(base(), base());
    assert.ok(isEmptyDiff(diff));
    assert.deepEqual(diff, {
      nodes: { added: [], removed: [], changed: [], moved: [] },
      edges: { added: [], removed: [] },
      settings: [],
    });
  });

  it('lists added and removed nodes and edges', () => {
    const after = doc([node('hook', { type: 'core.webhook', config: {} }), node('notify')], [edge('hook', 'notify')]);
    const diff = diffFlows(base(), after);
    assert.deepEqual(
      diff.nodes.added.map((item) => item.id),
      ['notify'],
    );
    assert.deepEqual(
      diff.nodes.removed.map((item) => item.id),
      ['call'],
    );
    assert.deepEqual(
      diff.edges.added.map((item) => item.id),
      ['hook__notify'],
    );
    assert.deepEqual(
      diff.edges.removed.map((item) => item.id),
      ['hook__call'],
    );
    assert.deepEqual(diff.nodes.changed, []);
  });

  it('reports nested config, array element, title and settings changes with dotted paths', () => {
    const after = base();
    after.nodes[1] = node('call', {
      title: 'Call CRM',
      config: {
        url: 'https://b.example',
        headers: { accept: 'xml', 'x-new': '1' },
        fields: [{ name: 'a', value: '2' }],
      },
      settings: { retry: { maxAttempts: 5 } },
    });
    const diff = diffFlows(base(), after);
    assert.deepEqual(diff.nodes.changed, [
      {
        id: 'call',
        fields: [
          { path: 'config.url', before: 'https://a.example', after: 'https://b.example' },
          { path: 'config.headers.accept', before: 'json', after: 'xml' },
          { path: 'config.headers.x-new', after: '1' },
          { path: 'config.fields.0.value', before: '1', after: '2' },
          { path: 'title', after: 'Call CRM' },
          { path: 'settings', after: { retry: { maxAttempts: 5 } } },
        ],
      },
    ]);
  });

  it('reports removed keys and shortened arrays with only a before value', () => {
    const before = base();
    before.nodes[1] = node('call', { settings: { retry: { maxAttempts: 5 }, timeoutMs: 1000 } });
    const after = base();
    after.nodes[1] = node('call', {
      config: { url: 'https://a.example', fields: [] },
      settings: { retry: { maxAttempts: 2 } },
    });
    const diff = diffFlows(before, after);
    assert.deepEqual(diff.nodes.changed[0]?.fields, [
      { path: 'config.headers', before: { accept: 'json' } },
      { path: 'config.fields.0', before: { name: 'a', value: '1' } },
      { path: 'settings.retry.maxAttempts', before: 5, after: 2 },
      { path: 'settings.timeoutMs', before: 1000 },
    ]);
  });

  it('keeps moves apart from changes', () => {
    const after = base();
    after.nodes[1] = node('call', { position: { x: 300, y: 40 } });
    const diff = diffFlows(base(), after);
    assert.deepEqual(diff.nodes.changed, []);
    assert.deepEqual(diff.nodes.moved, [{ id: 'call', before: { x: 0, y: 0 }, after: { x: 300, y: 40 } }]);
    assert.equal(isEmptyDiff(diff), false);
  });

  it('leaves a resized loop group out of the changes (layout, like a move)', () => {
    const after = base();
    after.nodes[1] = node('call', { size: { width: 400, height: 300 } });
    assert.equal(isEmptyDiff(diffFlows(base(), after)), true);
  });

  const moves: { name: string; position: { x: number; y: number } }[] = [
    { name: 'sideways', position: { x: 300, y: 0 } },
    { name: 'up', position: { x: 0, y: -40 } },
  ];
  for (const { name, position } of moves) {
    it(`reports a node moved only ${name} as moved`, () => {
      const after = base();
      after.nodes[1] = node('call', { position });
      assert.deepEqual(diffFlows(base(), after).nodes.moved, [{ id: 'call', before: { x: 0, y: 0 }, after: position }]);
    });
  }

  it('reports items appended to a list with only an after value', () => {
    const after = base();
    after.nodes[1] = node('call', {
      config: {
        ...node('call').config,
        fields: [
          { name: 'a', value: '1' },
          { name: 'b', value: '2' },
        ],
      },
    });
    assert.deepEqual(diffFlows(base(), after).nodes.changed[0]?.fields, [
      { path: 'config.fields.1', after: { name: 'b', value: '2' } },
    ]);
  });

  it('reports a field that changes between null and an object as one change', () => {
    const before = base();
    before.nodes[1] = node('call', { config: { body: null } });
    const after = base();
    after.nodes[1] = node('call', { config: { body: { id: 1 } } });
    assert.deepEqual(diffFlows(before, after).nodes.changed[0]?.fields, [
      { path: 'config.body', before: null, after: { id: 1 } },
    ]);
    assert.deepEqual(diffFlows(after, before).nodes.changed[0]?.fields, [
      { path: 'config.body', before: { id: 1 }, after: null },
    ]);
  });

  it('treats a field set to undefined as absent', () => {
    const before = base();
    before.nodes[1] = node('call', { config: { url: 'https://a.example', body: undefined } });
    const after = base();
    after.nodes[1] = node('call', { config: { url: 'https://a.example', query: undefined } });
    assert.deepEqual(diffFlows(before, after).nodes.changed, []);
    after.nodes[1] = node('call', { config: { url: 'https://a.example', body: 'text' } });
    assert.deepEqual(diffFlows(before, after).nodes.changed[0]?.fields, [{ path: 'config.body', after: 'text' }]);
    assert.deepEqual(diffFlows(after, before).nodes.changed[0]?.fields, [{ path: 'config.body', before: 'text' }]);
  });

  it('treats an edge whose ports changed under the same id as removed and added', () => {
    const after = base();
    after.edges[0] = edge('hook', 'call', { sourcePort: 'true' });
    const diff = diffFlows(base(), after);
    assert.equal(diff.edges.added[0]?.sourcePort, 'true');
    assert.equal(diff.edges.removed[0]?.sourcePort, 'out');
  });

  it('reports document-level fields other than nodes and edges as settings', () => {
    const before = { ...base(), extra: { timezone: 'UTC' } } as unknown as FlowDocument;
    const after = { ...base(), extra: { timezone: 'Europe/Paris' } } as unknown as FlowDocument;
    assert.deepEqual(diffFlows(before, after).settings, [
      { path: 'extra.timezone', before: 'UTC', after: 'Europe/Paris' },
    ]);
  });
});

describe('isEmptyDiff', () => {
  const withSettings = { ...base(), settings: { errorFlowId: 'flow_errors' } };
  const unconnected = doc([node('hook', { type: 'core.webhook', config: {} }), node('call')], []);
  const extraNode = doc([...base().nodes, node('spare')], base().edges);
  const edited = base();
  edited.nodes[1] = node('call', { title: 'Call CRM' });
  const moved = base();
  moved.nodes[1] = node('call', { position: { x: 0, y: 8 } });
  const cases: { name: string; before: FlowDocument; after: FlowDocument }[] = [
    { name: 'a node added', before: base(), after: extraNode },
    { name: 'a node removed', before: extraNode, after: base() },
    { name: 'a node changed', before: base(), after: edited },
    { name: 'a node moved', before: base(), after: moved },
    { name: 'a connection added', before: unconnected, after: base() },
    { name: 'a connection removed', before: base(), after: unconnected },
    { name: 'flow settings changed', before: base(), after: withSettings },
  ];
  for (const { name, before, after } of cases) {
    it(`is false when the only difference is ${name}`, () => {
      assert.equal(isEmptyDiff(diffFlows(before, after)), false);
    });
  }
});
