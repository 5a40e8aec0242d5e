import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { asNodeId } from '@pipewright/flow';
import { createEditorKit } from '../../canvas/editor-test-kit.ts';
import { parseClipboardPayload, serializeClipboardPayload } from './clipboard-payload.ts';
import {
  arrangeSelection,
  autoLayout,
  copySelection,
  cutSelection,
  duplicateSelection,
  pastePayload,
} from './gesture-commands.ts';

/** webhook → transform → http_request, placed apart. */
function chain() {
  const kit = createEditorKit();
  kit.addNode('core.webhook', { x: 0, y: 0 });
  kit.addNode('core.transform', { x: 300, y: 80 });
  kit.addNode('http.request', { x: 600, y: 160 });
  kit.connect('webhook', 'transform');
  kit.connect('transform', 'http_request');
  return kit;
}
const selected = (kit: ReturnType<typeof createEditorKit>) => kit.store.getState().session.selectedNodeIds;

describe('editing gestures through the editor store', () => {
  it('copy + paste of two connected nodes adds fresh, selected copies with their own edge; one undo removes them', () => {
    const kit = chain();
    kit.select('transform', 'http_request');
    const payload = copySelection(kit.store);
    assert.ok(payload);
    const depth = kit.undoDepth();
    // Through the clipboard's text form, as a paste from another tab would arrive.
    const parsed = parseClipboardPayload(serializeClipboardPayload(payload));
    assert.ok(parsed.ok);
    assert.equal(pastePayload(kit.store, parsed.payload), 2);
    assert.deepEqual(kit.nodeIds(), ['webhook', 'transform', 'http_request', 'transform_2', 'http_request_2']);
    assert.deepEqual(kit.edgePairs(), ['webhook->transform', 'transform->http_request', 'transform_2->http_request_2']);
    assert.deepEqual(selected(kit), ['transform_2', 'http_request_2']);
    assert.notDeepEqual(kit.node('transform_2')?.position, kit.node('transform')?.position);
    assert.equal(kit.undoDepth(), depth + 1);
    kit.undo();
    assert.deepEqual(kit.nodeIds(), ['webhook', 'transform', 'http_request']);
    assert.equal(kit.doc.edges.length, 2);
    assert.deepEqual(selected(kit), []);
    kit.redo();
    assert.deepEqual(kit.edgePairs().at(-1), 'transform_2->http_request_2');
  });

  it('pastes into another flow keeping ids that are free there', () => {
    const source = chain();
    source.select('transform', 'http_request');
    const payload = copySelection(source.store);
    assert.ok(payload);
    const other = createEditorKit();
    other.addNode('core.manual');
    pastePayload(other.store, payload);
    assert.deepEqual(other.nodeIds(), ['manual', 'transform', 'http_request']);
    assert.deepEqual(other.edgePairs(), ['transform->http_request']);
  });

  it('duplicate is copy + paste in place, offset, without the clipboard', () => {
    const kit = chain();
    kit.select('transform');
    assert.equal(duplicateSelection(kit.store), 1);
    assert.deepEqual(selected(kit), ['transform_2']);
    assert.deepEqual(kit.node('transform_2')?.position, { x: 340, y: 120 });
    kit.select();
    assert.equal(duplicateSelection(kit.store), 0);
  });

  it('cut copies the selection, then removes it as one undo step', () => {
    const kit = chain();
    kit.select('transform');
    const payload = cutSelection(kit.store);
    assert.deepEqual(
      payload?.nodes.map((n) => n.id),
      ['transform'],
    );
    assert.deepEqual(kit.nodeIds(), ['webhook', 'http_request']);
    kit.undo();
    assert.deepEqual(kit.edgePairs(), ['webhook->transform', 'transform->http_request']);
  });

  it('auto-layout is one undo step that restores every position', () => {
    const kit = chain();
    const before = kit.doc.nodes.map((n) => n.position);
    assert.equal(autoLayout(kit.store), 2);
    assert.deepEqual(
      kit.doc.nodes.map((n) => n.position.y),
      [0, 0, 0],
    );
    kit.undo();
    assert.deepEqual(
      kit.doc.nodes.map((n) => n.position),
      before,
    );
  });

  it('auto-layout grows a Loop resized too small for its body; one undo restores its size and the positions', () => {
    const kit = createEditorKit();
    kit.addNode('core.manual', { x: 0, y: 0 });
    const loop = kit.addNode('core.loop', { x: 300, y: 0 });
    const small = { width: 240, height: 160 };
    kit.store.getState().actions.dispatch({ kind: 'updateNode', nodeId: asNodeId(loop), patch: { size: small } });
    const first = kit.addNode('core.transform', { x: 20, y: 70 });
    const second = kit.addNode('core.transform', { x: 30, y: 90 });
    kit.store.getState().actions.dispatch({
      kind: 'batch',
      commands: [first, second].map((id) => ({
        kind: 'updateNode',
        nodeId: asNodeId(id),
        patch: { parentId: asNodeId(loop) },
      })),
    });
    kit.connect(first, second);
    const before = kit.doc.nodes.map((n) => n.position);
    assert.ok(autoLayout(kit.store) > 0);
    const grown = kit.doc.nodes.find((n) => n.id === loop)?.size;
    assert.ok(grown && grown.width > small.width, 'the Loop is wide enough for two body steps side by side');
    kit.undo();
    assert.deepEqual(kit.doc.nodes.find((n) => n.id === loop)?.size, small);
    assert.deepEqual(
      kit.doc.nodes.map((n) => n.position),
      before,
    );
  });

  it('align and distribute move the selection as one undo step', () => {
    const kit = chain();
    kit.select('webhook', 'transform', 'http_request');
    arrangeSelection(kit.store, { align: 'top' });
    assert.deepEqual(
      kit.doc.nodes.map((n) => n.position.y),
      [0, 0, 0],
    );
    kit.undo();
    assert.deepEqual(
      kit.doc.nodes.map((n) => n.position.y),
      [0, 80, 160],
    );
    kit.select('webhook', 'transform');
    assert.equal(arrangeSelection(kit.store, { distribute: 'horizontal' }), 0, 'distributing needs three nodes');
  });

  it('does nothing to a read-only flow', () => {
    const kit = chain();
    kit.store.setState({ session: { ...kit.store.getState().session, readOnly: true } });
    kit.select('transform');
    const payload = copySelection(kit.store);
    assert.ok(payload, 'copying from a read-only flow is allowed');
    assert.equal(pastePayload(kit.store, payload), 0);
    assert.equal(cutSelection(kit.store), null);
    assert.equal(autoLayout(kit.store), 0);
    assert.deepEqual(kit.nodeIds(), ['webhook', 'transform', 'http_request']);
  });
});
