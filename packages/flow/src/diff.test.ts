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
