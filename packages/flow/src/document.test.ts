import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DEFAULT_PORT,
  ERROR_PORT,
  emptyFlowDocument,
  flowDocumentSchema,
  MAX_RUN_TIMEOUT_MS,
  ON_ERROR_MODES,
} from './document.ts';
import { asEdgeId, asNodeId } from './ids.ts';

const validNode = { id: 'call', type: 'http.request', typeVersion: 1, position: { x: 0, y: 0 }, config: {} };
const validEdge = { id: 'hook_call', source: 'hook', target: 'call' };
const validDoc = () => ({
  schemaVersion: 1,
  nodes: [{ ...validNode, id: 'hook', type: 'core.webhook' }, validNode],
  edges: [validEdge],
});

/** The document with one node's field replaced (or added). */
const withNode = (field: string, value: unknown) => {
  const doc = validDoc();
  return { ...doc, nodes: [doc.nodes[0], { ...validNode, [field]: value }] };
};
const withEdge = (field: string, value: unknown) => ({ ...validDoc(), edges: [{ ...validEdge, [field]: value }] });
const withSettings = (settings: unknown) => withNode('settings', settings);
const withRetry = (retry: Record<string, unknown>) => withSettings({ retry });
const text = (length: number) => 'x'.repeat(length);

/** Issues as `path: message`, the way the compiler and the API show them. */
function issuesOf(document: unknown): string[] {
  const result = flowDocumentSchema.safeParse(document);
  return result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
}

describe('flowDocumentSchema', () => {
  it('fills in the default ports of a connection: out of the source, into the target', () => {
    const parsed = flowDocumentSchema.parse(validDoc());
    assert.deepEqual(parsed.edges, [{ ...validEdge, sourcePort: DEFAULT_PORT, targetPort: 'in' }]);
    assert.equal(DEFAULT_PORT, 'out');
  });

  it('names the port a failed node takes "error" (stored documents connect to it by that name)', () => {
    assert.equal(ERROR_PORT, 'error');
  });

  const accepted: { name: string; document: unknown }[] = [
    { name: 'a minimal document', document: validDoc() },
    { name: 'no nodes at all', document: emptyFlowDocument() },
    { name: 'a one-letter node id', document: withNode('id', 'a') },
    { name: 'a node id of 64 characters', document: withNode('id', `a${text(63)}`) },
    { name: 'a node id starting with _ and holding digits', document: withNode('id', '_step_2') },
    { name: 'a title of 200 characters', document: withNode('title', text(200)) },
    { name: 'a step type of 200 characters', document: withNode('type', text(200)) },
    { name: 'a node inside a loop body', document: withNode('parentId', 'each_order') },
    { name: 'a resized loop group', document: withNode('size', { width: 480, height: 320 }) },
    { name: 'a group at its smallest and largest', document: withNode('size', { width: 80, height: 20_000 }) },
    { name: 'a timeout of 100 ms', document: withSettings({ timeoutMs: 100 }) },
    { name: 'a timeout of one day', document: withSettings({ timeoutMs: 86_400_000 }) },
    ...ON_ERROR_MODES.map((mode) => ({ name: `onError "${mode}"`, document: withSettings({ onError: mode }) })),
    { name: 'one attempt', document: withRetry({ maxAttempts: 1 }) },
    { name: '100 attempts', document: withRetry({ maxAttempts: 100 }) },
    {
      name: 'retry intervals at their bounds',
      document: withRetry({ initialIntervalMs: 0, maxIntervalMs: 86_400_000, backoffCoefficient: 1 }),
    },
    {
      name: 'retry intervals at their upper bounds',
      document: withRetry({ initialIntervalMs: 3_600_000, maxIntervalMs: 0, backoffCoefficient: 10 }),
    },
    {
      name: 'typical retry settings',
      document: withRetry({ maxAttempts: 5, initialIntervalMs: 500, maxIntervalMs: 60_000 }),
    },
    { name: 'a backoff of 2.5', document: withRetry({ backoffCoefficient: 2.5 }) },
    { name: 'an error flow', document: { ...validDoc(), settings: { errorFlowId: 'flow_errors' } } },
    { name: 'an error flow id of 200 characters', document: { ...validDoc(), settings: { errorFlowId: text(200) } } },
    { name: 'a run timeout of one second', document: { ...validDoc(), settings: { runTimeoutMs: 1_000 } } },
    {
      name: 'a run timeout of 31 days',
      document: { ...validDoc(), settings: { runTimeoutMs: MAX_RUN_TIMEOUT_MS } },
    },
    { name: 'no run timeout at all', document: { ...validDoc(), settings: { runTimeoutMs: null } } },
    { name: 'a connection id of 200 characters', document: withEdge('id', text(200)) },
    {
      name: 'ports of 64 characters',
      document: { ...withEdge('sourcePort', text(64)), edges: [{ ...validEdge, targetPort: text(64) }] },
    },
    { name: '5000 nodes', document: { ...validDoc(), nodes: nodes(5000), edges: [] } },
  ];
  for (const { name, document } of accepted) {
    it(`accepts ${name}`, () => {
      assert.deepEqual(issuesOf(document), []);
    });
  }

  const rejected: { name: string; document: unknown; issue: string }[] = [
    {
      name: 'a node id starting with a digit',
      document: withNode('id', '2nd'),
      issue: 'nodes.1.id: must start with a letter or _ and contain only letters, digits and _ (max 64)',
    },
    { name: 'a node id with a dash', document: withNode('id', 'send-mail'), issue: 'nodes.1.id: must start' },
    { name: 'a node id of 65 characters', document: withNode('id', `a${text(64)}`), issue: 'nodes.1.id: must start' },
    { name: 'an empty node id', document: withNode('id', ''), issue: 'nodes.1.id: must start' },
    {
      name: 'a parent that is no node id',
      document: withNode('parentId', 'a loop'),
      issue: 'nodes.1.parentId: must be the id of a Loop node',
    },
    {
      name: 'a group narrower than 80 px',
      document: withNode('size', { width: 79, height: 300 }),
      issue: 'nodes.1.size.width: must be at least 80 px',
    },
    {
      name: 'a group taller than 20000 px',
      document: withNode('size', { width: 300, height: 20_001 }),
      issue: 'nodes.1.size.height: must be at most 20000 px',
    },
    { name: 'a size without a height', document: withNode('size', { width: 300 }), issue: 'nodes.1.size.height:' },
    {
      name: 'an infinite size',
      document: withNode('size', { width: Infinity, height: 300 }),
      issue: 'nodes.1.size.width:',
    },
    {
      name: 'an unknown size field',
      document: withNode('size', { width: 300, height: 300, depth: 1 }),
      issue: 'nodes.1.size: Unrecognized key',
    },
    { name: 'an empty step type', document: withNode('type', ''), issue: 'nodes.1.type:' },
    { name: 'a step type of 201 characters', document: withNode('type', text(201)), issue: 'nodes.1.type:' },
    { name: 'version 0 of a step', document: withNode('typeVersion', 0), issue: 'nodes.1.typeVersion:' },
    { name: 'a title of 201 characters', document: withNode('title', text(201)), issue: 'nodes.1.title:' },
    {
      name: 'an infinite position',
      document: withNode('position', { x: Infinity, y: 0 }),
      issue: 'nodes.1.position.x:',
    },
    { name: 'an unknown node field', document: withNode('color', 'red'), issue: 'nodes.1: Unrecognized key: "color"' },
    { name: 'a timeout under 100 ms', document: withSettings({ timeoutMs: 99 }), issue: 'nodes.1.settings.timeoutMs:' },
    {
      name: 'a timeout over a day',
      document: withSettings({ timeoutMs: 86_400_001 }),
      issue: 'nodes.1.settings.timeoutMs:',
    },
    {
      name: 'an unknown onError mode',
      document: withSettings({ onError: 'ignore' }),
      issue: 'nodes.1.settings.onError:',
    },
    { name: 'zero attempts', document: withRetry({ maxAttempts: 0 }), issue: 'nodes.1.settings.retry.maxAttempts:' },
    { name: '101 attempts', document: withRetry({ maxAttempts: 101 }), issue: 'nodes.1.settings.retry.maxAttempts:' },
    { name: '1.5 attempts', document: withRetry({ maxAttempts: 1.5 }), issue: 'nodes.1.settings.retry.maxAttempts:' },
    {
      name: 'a negative first retry interval',
      document: withRetry({ initialIntervalMs: -1 }),
      issue: 'nodes.1.settings.retry.initialIntervalMs:',
    },
    {
      name: 'a first retry interval over an hour',
      document: withRetry({ initialIntervalMs: 3_600_001 }),
      issue: 'nodes.1.settings.retry.initialIntervalMs:',
    },
    {
      name: 'a backoff under 1',
      document: withRetry({ backoffCoefficient: 0.5 }),
      issue: 'nodes.1.settings.retry.backoffCoefficient:',
    },
    {
      name: 'a backoff over 10',
      document: withRetry({ backoffCoefficient: 11 }),
      issue: 'nodes.1.settings.retry.backoffCoefficient:',
    },
    {
      name: 'a negative retry interval cap',
      document: withRetry({ maxIntervalMs: -1 }),
      issue: 'nodes.1.settings.retry.maxIntervalMs:',
    },
    {
      name: 'a retry interval cap over a day',
      document: withRetry({ maxIntervalMs: 86_400_001 }),
      issue: 'nodes.1.settings.retry.maxIntervalMs:',
    },
    {
      name: 'an unknown retry field',
      document: withRetry({ jitter: true }),
      issue: 'nodes.1.settings.retry: Unrecognized key',
    },
    {
      name: 'an empty error flow id',
      document: { ...validDoc(), settings: { errorFlowId: '' } },
      issue: 'settings.errorFlowId:',
    },
    {
      name: 'an error flow id of 201 characters',
      document: { ...validDoc(), settings: { errorFlowId: text(201) } },
      issue: 'settings.errorFlowId:',
    },
    {
      name: 'a run timeout under a second',
      document: { ...validDoc(), settings: { runTimeoutMs: 999 } },
      issue: 'settings.runTimeoutMs:',
    },
    {
      name: 'a run timeout over 31 days',
      document: { ...validDoc(), settings: { runTimeoutMs: MAX_RUN_TIMEOUT_MS + 1 } },
      issue: 'settings.runTimeoutMs:',
    },
    {
      name: 'a run timeout in fractions of a millisecond',
      document: { ...validDoc(), settings: { runTimeoutMs: 1_000.5 } },
      issue: 'settings.runTimeoutMs:',
    },
    { name: 'an empty connection id', document: withEdge('id', ''), issue: 'edges.0.id:' },
    { name: 'a connection id of 201 characters', document: withEdge('id', text(201)), issue: 'edges.0.id:' },
    { name: 'a connection without a source', document: withEdge('source', ''), issue: 'edges.0.source:' },
    { name: 'a connection without a target', document: withEdge('target', ''), issue: 'edges.0.target:' },
    { name: 'an empty source port', document: withEdge('sourcePort', ''), issue: 'edges.0.sourcePort:' },
    {
      name: 'a source port of 65 characters',
      document: withEdge('sourcePort', text(65)),
      issue: 'edges.0.sourcePort:',
    },
    { name: 'an empty target port', document: withEdge('targetPort', ''), issue: 'edges.0.targetPort:' },
    {
      name: 'a target port of 65 characters',
      document: withEdge('targetPort', text(65)),
      issue: 'edges.0.targetPort:',
    },
    { name: 'another schema version', document: { ...validDoc(), schemaVersion: 2 }, issue: 'schemaVersion:' },
    { name: '5001 nodes', document: { ...validDoc(), nodes: nodes(5001), edges: [] }, issue: 'nodes: ' },
    {
      name: 'two nodes with one id',
      document: { ...validDoc(), nodes: [validNode, { ...validNode, type: 'core.transform' }] },
      issue: 'nodes.1.id: duplicate node id "call"',
    },
    {
      name: 'two connections with one id',
      document: { ...validDoc(), edges: [validEdge, { ...validEdge, source: 'call', target: 'hook' }] },
      issue: 'edges.1.id: duplicate edge id "hook_call"',
    },
  ];
  for (const { name, document, issue } of rejected) {
    it(`rejects ${name}`, () => {
      const issues = issuesOf(document);
      assert.equal(issues.length, 1, issues.join('\n'));
      assert.ok(issues[0]?.startsWith(issue), `${issues[0]} should start with ${issue}`);
    });
  }

  it('reports every duplicate id, each at the later occurrence', () => {
    const document = { ...validDoc(), nodes: [validNode, validNode, { ...validNode, id: 'other' }, validNode] };
    assert.deepEqual(issuesOf(document), [
      'nodes.1.id: duplicate node id "call"',
      'nodes.3.id: duplicate node id "call"',
    ]);
  });
});

it('caps the run timeout a flow may set at 31 days', () => {
  assert.equal(MAX_RUN_TIMEOUT_MS, 31 * 24 * 60 * 60 * 1000);
});

describe('emptyFlowDocument', () => {
  it('is a valid document with no nodes and no connections, new on every call', () => {
    const first = emptyFlowDocument();
    assert.deepEqual(first, { schemaVersion: 1, nodes: [], edges: [] });
    first.nodes.push(flowDocumentSchema.parse(validDoc()).nodes[0] ?? assert.fail('no node'));
    assert.deepEqual(emptyFlowDocument().nodes, []);
  });
});

describe('ids', () => {
  it('brands a string without changing it', () => {
    assert.deepEqual([asNodeId('call'), asEdgeId('hook_call')], ['call', 'hook_call']);
  });
});

function nodes(count: number) {
  return Array.from({ length: count }, (_, index) => ({ ...validNode, id: `n${index}` }));
}
