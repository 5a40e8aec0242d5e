import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RunDetail } from '@pipewright/api-contract';
import { asNodeId } from '@pipewright/flow';
import { applyEdgeChanges } from './canvas-changes.ts';
import {
  createFlowEdgesSelector,
  createFlowNodesSelector,
  selectIsPinned,
  selectNodeStatus,
  selectPinnedSamples,
  selectSelectedNode,
} from './editor.selectors.ts';
import { createEditorStore } from './editor.store.ts';
import { createEditorKit } from './editor-test-kit.ts';

describe('editor store: add, connect, undo, redo', () => {
  it('adds nodes with readable ids and connects them', () => {
    const kit = createEditorKit();
    const hook = kit.addNode('core.webhook');
    const transform = kit.addNode('core.transform');
    const http = kit.addNode('http.request');
    const transform2 = kit.addNode('core.transform');
    assert.deepEqual([hook, transform, http, transform2], ['webhook', 'transform', 'http_request', 'transform_2']);
    assert.equal(kit.connect('webhook', 'transform'), true);
    assert.deepEqual(kit.edgePairs(), ['webhook->transform']);
    assert.equal(kit.store.getState().document.dirty, true);
  });

  it('refuses self-loops and duplicate edges', () => {
    const kit = createEditorKit();
    kit.addNode('core.webhook');
    kit.addNode('core.transform');
    assert.equal(kit.connect('transform', 'transform'), false);
    assert.equal(kit.connect('webhook', 'transform'), true);
    assert.equal(kit.connect('webhook', 'transform'), false);
    assert.equal(kit.doc.edges.length, 1);
  });

  it('undoes and redoes each edit in order', () => {
    const kit = createEditorKit();
    kit.addNode('core.webhook');
    kit.addNode('core.transform');
    kit.connect('webhook', 'transform');
    kit.undo();
    assert.deepEqual(kit.edgePairs(), []);
    kit.undo();
    assert.deepEqual(kit.nodeIds(), ['webhook']);
    kit.redo();
    kit.redo();
    assert.deepEqual(kit.nodeIds(), ['webhook', 'transform']);
    assert.deepEqual(kit.edgePairs(), ['webhook->transform']);
    kit.redo(); // nothing left to redo
    assert.equal(kit.undoDepth(), 3);
  });

  it('a new edit clears the redo stack', () => {
    const kit = createEditorKit();
    kit.addNode('core.webhook');
    kit.undo();
    kit.addNode('core.manual');
    kit.redo();
    assert.deepEqual(kit.nodeIds(), ['manual']);
  });
});

describe('editor store: delete', () => {
  it('deleting a node removes its edges and one undo brings both back in place', () => {
    const kit = createEditorKit();
    kit.addNode('core.webhook');
    kit.addNode('core.transform');
    kit.addNode('http.request');
    kit.connect('webhook', 'transform');
    kit.connect('transform', 'http_request');
    kit.select('transform');
    kit.deleteSelection();
    assert.deepEqual(kit.nodeIds(), ['webhook', 'http_request']);
    assert.deepEqual(kit.edgePairs(), []);
    assert.deepEqual(kit.store.getState().session.selectedNodeIds, []);
    kit.undo();
    assert.deepEqual(kit.nodeIds(), ['webhook', 'transform', 'http_request']);
    assert.deepEqual(kit.edgePairs(), ['webhook->transform', 'transform->http_request']);
  });

  it('deleting a selected edge and a node is one undo step', () => {
    const kit = createEditorKit();
    kit.addNode('core.webhook');
    kit.addNode('core.transform');
    kit.addNode('http.request');
    kit.connect('webhook', 'transform');
    kit.connect('webhook', 'http_request');
    const edgeToHttp = kit.doc.edges[1];
    assert.ok(edgeToHttp);
    kit.store.getState().actions.select({ nodeIds: [asNodeId('transform')], edgeIds: [edgeToHttp.id] });
    const depth = kit.undoDepth();
    kit.deleteSelection();
    assert.deepEqual(kit.edgePairs(), []);
    assert.equal(kit.undoDepth(), depth + 1);
    kit.undo();
    assert.deepEqual(kit.edgePairs(), ['webhook->transform', 'webhook->http_request']);
  });

  it('edge remove changes for edges already removed with their node are ignored', () => {
    const kit = createEditorKit();
    kit.addNode('core.webhook');
    kit.addNode('core.transform');
    kit.connect('webhook', 'transform');
    const edgeId = kit.doc.edges[0]?.id;
    assert.ok(edgeId);
    kit.select('transform');
    kit.deleteSelection();
    applyEdgeChanges(kit.store, [{ type: 'remove', id: edgeId }]);
    kit.undo();
    assert.deepEqual(kit.edgePairs(), ['webhook->transform']);
  });
});

describe('editor store: drag', () => {
  it('a drag shows transient positions and commits exactly one undo step on drop', () => {
    const kit = createEditorKit();
    kit.addNode('core.webhook', { x: 0, y: 0 });
    const before = kit.undoDepth();
    const nodesOf = createFlowNodesSelector();
    kit.drag('webhook', [
      { x: 10, y: 5 },
      { x: 40, y: 20 },
      { x: 100, y: 60 },
    ]);
    assert.equal(kit.undoDepth(), before + 1);
    assert.deepEqual(kit.node('webhook')?.position, { x: 100, y: 60 });
    assert.deepEqual(nodesOf(kit.store.getState())[0]?.position, { x: 100, y: 60 });
    assert.deepEqual(kit.store.getState().session.dragPositions, {});
    kit.undo();
    assert.deepEqual(kit.node('webhook')?.position, { x: 0, y: 0 });
  });

  it('during the drag the document is untouched but the canvas follows', () => {
    const kit = createEditorKit();
    kit.addNode('core.webhook', { x: 0, y: 0 });
    const nodesOf = createFlowNodesSelector();
    kit.store.getState().actions.dragNodes([{ nodeId: asNodeId('webhook'), position: { x: 7, y: 9 } }]);
    assert.deepEqual(kit.node('webhook')?.position, { x: 0, y: 0 });
    assert.deepEqual(nodesOf(kit.store.getState())[0]?.position, { x: 7, y: 9 });
  });

  it('a click without movement adds no undo step', () => {
    const kit = createEditorKit();
    kit.addNode('core.webhook', { x: 3, y: 4 });
    const before = kit.undoDepth();
    kit.drag('webhook', [{ x: 3, y: 4 }]);
    assert.equal(kit.undoDepth(), before);
  });
});

describe('editor store: config edits', () => {
  it('consecutive edits of one field coalesce into one undo step', () => {
    const kit = createEditorKit();
    kit.addNode('http.request');
    const before = kit.undoDepth();
    for (const url of ['h', 'ht', 'http', 'http://x']) kit.editConfig('http_request', 'url', url);
    assert.equal(kit.undoDepth(), before + 1);
    assert.equal(kit.node('http_request')?.config.url, 'http://x');
    kit.undo();
    assert.equal(kit.node('http_request')?.config.url, undefined);
    kit.redo();
    assert.equal(kit.node('http_request')?.config.url, 'http://x');
  });

  it('editing another field, or sealing on blur, starts a new undo step', () => {
    const kit = createEditorKit();
    kit.addNode('http.request');
    kit.editConfig('http_request', 'url', 'http://a');
    kit.editConfig('http_request', 'method', 'POST');
    kit.editConfig('http_request', 'url', 'http://b');
    kit.store.getState().actions.sealHistory();
    kit.editConfig('http_request', 'url', 'http://c');
    kit.undo();
    assert.equal(kit.node('http_request')?.config.url, 'http://b');
    kit.undo();
    assert.equal(kit.node('http_request')?.config.url, 'http://a');
    assert.equal(kit.node('http_request')?.config.method, 'POST');
    kit.undo();
    assert.equal(kit.node('http_request')?.config.method, undefined);
  });

  it('markSaved keeps edits made during the save dirty', () => {
    const kit = createEditorKit();
    kit.addNode('core.webhook');
    const { doc, name } = kit.store.getState().document;
    kit.store.getState().actions.markSaved({ revision: 2, doc, name });
    assert.equal(kit.store.getState().document.dirty, false);
    kit.addNode('core.transform');
    kit.store.getState().actions.markSaved({ revision: 3, doc, name });
    assert.equal(kit.store.getState().document.dirty, true);
    assert.equal(kit.store.getState().document.revision, 3);
  });
});

describe('editor store: compile errors', () => {
  it('editing a field drops that field’s errors and keeps the others', () => {
    const kit = createEditorKit();
    kit.addNode('http.request');
    const { actions } = kit.store.getState();
    actions.setCompileErrors([
      { code: 'invalid_config', message: 'is required', nodeId: 'http_request', field: 'url' },
      { code: 'invalid_config', message: 'bad header', nodeId: 'http_request', field: 'headers.X' },
      { code: 'no_trigger', message: 'The flow needs a trigger' },
    ]);
    actions.dismissCompileErrors({ nodeId: 'http_request', field: 'url' });
    actions.dismissCompileErrors({ nodeId: 'http_request', field: 'headers' });
    assert.deepEqual(
      kit.store.getState().session.compileErrors.map((error) => error.message),
      ['The flow needs a trigger'],
    );
  });
});

describe('editor selectors', () => {
  it('derive React Flow nodes and edges from the document, with selection', () => {
    const kit = createEditorKit();
    kit.addNode('core.webhook', { x: 0, y: 0 });
    kit.addNode('core.transform', { x: 200, y: 0 });
    kit.connect('webhook', 'transform');
    kit.select('transform');
    const nodes = createFlowNodesSelector()(kit.store.getState());
    const edges = createFlowEdgesSelector()(kit.store.getState());
    assert.deepEqual(
      nodes.map((node) => [node.id, node.type, node.position.x, node.selected, node.data.stepType]),
      [
        ['webhook', 'step', 0, false, 'core.webhook'],
        ['transform', 'step', 200, true, 'core.transform'],
      ],
    );
    assert.deepEqual(
      edges.map((edge) => [edge.source, edge.sourceHandle, edge.target, edge.targetHandle]),
      [['webhook', 'out', 'transform', 'in']],
    );
    assert.equal(selectSelectedNode(kit.store.getState())?.id, 'transform');
  });

  it('moving one node keeps the other derived nodes identical (no re-render)', () => {
    const kit = createEditorKit();
    kit.addNode('core.webhook', { x: 0, y: 0 });
    kit.addNode('core.transform', { x: 200, y: 0 });
    const nodesOf = createFlowNodesSelector();
    const before = nodesOf(kit.store.getState());
    assert.equal(nodesOf(kit.store.getState()), before, 'same state → same array');
    kit.drag('webhook', [{ x: 50, y: 50 }]);
    const after = nodesOf(kit.store.getState());
    assert.notEqual(after[0], before[0]);
    assert.equal(after[1], before[1]);
  });

  it('node status comes from the watched run only', () => {
    const kit = createEditorKit();
    kit.addNode('core.webhook');
    const { actions } = kit.store.getState();
    const detail = (id: string): RunDetail => ({
      id,
      flowId: 'flow_1',
      flowName: 'Test flow',
      version: 0,
      trigger: 'manual',
      status: 'running',
      startedAt: '2025-01-01T00:00:00.000Z',
      endedAt: null,
      durationMs: null,
      nodes: { webhook: { status: 'succeeded', attempts: 1 } },
      error: null,
      document: null,
    });
    actions.setRunDetail(detail('run_1'));
    assert.equal(selectNodeStatus('webhook')(kit.store.getState()), undefined, 'not watching yet');
    actions.watchRun('run_1');
    actions.setRunDetail(detail('run_other'));
    assert.equal(selectNodeStatus('webhook')(kit.store.getState()), undefined, 'another run is ignored');
    actions.setRunDetail(detail('run_1'));
    assert.equal(selectNodeStatus('webhook')(kit.store.getState()), 'succeeded');
    assert.equal(kit.store.getState().session.panel, 'run');
  });
});

describe('pinned sample data', () => {
  it('pins and unpins as undoable edits of the document, which a reload of the saved draft keeps', () => {
    const kit = createEditorKit();
    const hook = kit.addNode('core.webhook');
    const call = kit.addNode('http.request');
    kit.connect(hook, call);
    const { actions } = kit.store.getState();
    const depth = kit.undoDepth();
    assert.equal(actions.pinSample(call, { body: { id: 7 } }), undefined);
    assert.deepEqual(selectPinnedSamples(kit.store.getState()), { [call]: { body: { id: 7 } } });
    assert.equal(selectIsPinned(call)(kit.store.getState()), true);
    assert.equal(kit.store.getState().document.dirty, true, 'a pin is saved like any other edit');
    assert.equal(kit.undoDepth(), depth + 1);
    // What the server stores and sends back on reload is the document, pins included.
    const saved = structuredClone(kit.doc);
    actions.loadDocument({ flowId: 'flow_1', name: 'Reloaded', doc: saved, revision: 5 });
    assert.deepEqual(selectPinnedSamples(kit.store.getState()), { [call]: { body: { id: 7 } } });
    actions.pinSample(call, undefined);
    assert.equal(selectIsPinned(call)(kit.store.getState()), false);
    kit.undo();
    assert.deepEqual(selectPinnedSamples(kit.store.getState()), { [call]: { body: { id: 7 } } }, 'undo re-pins');
  });

  it('deleting a pinned node drops its pin, and undo brings both back', () => {
    const kit = createEditorKit();
    const call = kit.addNode('http.request');
    kit.store.getState().actions.pinSample(call, null);
    assert.equal(selectIsPinned(call)(kit.store.getState()), true, 'a pinned null is a pin');
    kit.select(call);
    kit.deleteSelection();
    assert.equal(kit.doc.pinnedData, undefined);
    kit.undo();
    assert.deepEqual(kit.doc.pinnedData, { [call]: null });
  });

  it('refuses a pin over the limits, saying why and naming the node, and changes nothing', () => {
    const kit = createEditorKit();
    const call = kit.addNode('http.request');
    const store = createEditorStore({
      flowId: 'flow_1',
      name: 'Limited',
      doc: kit.doc,
      revision: 1,
      pinnedDataLimits: { maxBytesPerNode: 64, maxBytesPerFlow: 1024 },
    });
    const problem = store.getState().actions.pinSample(call, { text: 'x'.repeat(100) });
    assert.match(problem?.message ?? '', new RegExp(`Cannot pin the output of node "${call}": it is 111 B`));
    assert.equal(store.getState().document.doc.pinnedData, undefined);
    assert.equal(store.getState().document.dirty, false);
  });
});
