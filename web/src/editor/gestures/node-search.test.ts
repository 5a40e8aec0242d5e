import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { asNodeId, type FlowNode } from '@pipewright/flow';
import { searchNodes } from './node-search.ts';

const node = (id: string, type: string, title?: string): FlowNode => ({
  id: asNodeId(id),
  type,
  typeVersion: 1,
  position: { x: 0, y: 0 },
  config: {},
  ...(title ? { title } : {}),
});

const nodes = [
  node('webhook', 'core.webhook'),
  node('enrich', 'core.transform', 'Enrich order'),
  node('http_request', 'http.request', 'Post to CRM'),
  node('order_total', 'core.transform', 'Order total'),
  node('http_request_2', 'http.request'),
];
const titles: Record<string, string> = {
  'core.webhook': 'Webhook',
  'core.transform': 'Transform',
  'http.request': 'HTTP request',
};
const search = (query: string) =>
  searchNodes({ nodes, query, typeTitle: (type) => titles[type] }).map((hit) => hit.nodeId);

describe('node search', () => {
  it('finds by name, best match first: exact, prefix, word, anywhere', () => {
    assert.deepEqual(search('order total'), ['order_total']);
    assert.deepEqual(search('order'), ['order_total', 'enrich']);
    assert.deepEqual(search('crm'), ['http_request']);
  });

  it('finds by step type (id or catalog title) and by node id, after name matches', () => {
    assert.deepEqual(search('transform'), ['enrich', 'order_total']);
    assert.deepEqual(search('http.request'), ['http_request', 'http_request_2']);
    // The untitled HTTP node is named by its type's title, so it ranks as a name match.
    assert.deepEqual(search('HTTP'), ['http_request_2', 'http_request']);
    assert.deepEqual(search('webhook'), ['webhook']);
  });

  it('ignores case and surrounding spaces; an empty query finds nothing', () => {
    assert.deepEqual(search('  ENRICH '), ['enrich']);
    assert.deepEqual(search('   '), []);
    assert.deepEqual(search('nothing like it'), []);
  });

  it('labels a hit with what the canvas shows', () => {
    const [hit] = searchNodes({ nodes, query: 'http_request_2', typeTitle: (type) => titles[type] });
    assert.deepEqual(hit, { nodeId: 'http_request_2', label: 'HTTP request', type: 'http.request' });
  });
});
