import { asNodeId, emptyFlowDocument, type FlowDocument, type Position } from '@pipewright/flow';
import type { NodeChange } from '@xyflow/react';
import { applyNodeChanges, connectNodes } from './canvas-changes.ts';
import { createEditorStore, type EditorStore } from './editor.store.ts';
import { createNode } from './node-factory.ts';

/** Domain verbs over a real editor store, for tests that read like what a builder does. */
export function createEditorKit(doc: FlowDocument = emptyFlowDocument()) {
  const store: EditorStore = createEditorStore({ flowId: 'flow_1', name: 'Test flow', doc, revision: 1 });
  const state = () => store.getState();
  const actions = () => store.getState().actions;

  return {
    store,
    get doc() {
      return state().document.doc;
    },
    nodeIds: () => state().document.doc.nodes.map((node) => node.id as string),
    edgePairs: () => state().document.doc.edges.map((edge) => `${edge.source}->${edge.target}`),
    node: (id: string) => state().document.doc.nodes.find((node) => node.id === id),
    addNode(type: string, position: Position = { x: 0, y: 0 }): string {
      const node = createNode({ doc: state().document.doc, type, position });
      actions().dispatch({ kind: 'addNodes', nodes: [node] });
      return node.id;
    },
    connect(source: string, target: string): boolean {
      return connectNodes(store, { source, target });
    },
    /** Simulates React Flow's drag: position changes with dragging=true, then the drop. */
    drag(nodeId: string, path: Position[]) {
      const last = path.at(-1);
      if (!last) throw new Error('drag needs at least one position');
      for (const position of path) {
        applyNodeChanges(store, [{ type: 'position', id: nodeId, position, dragging: true } satisfies NodeChange]);
      }
      applyNodeChanges(store, [{ type: 'position', id: nodeId, position: last, dragging: false }]);
    },
    select(...nodeIds: string[]) {
      actions().select({ nodeIds: nodeIds.map(asNodeId), edgeIds: [] });
    },
    deleteSelection: () => actions().deleteSelection(),
    editConfig(nodeId: string, field: string, value: unknown) {
      const node = state().document.doc.nodes.find((candidate) => candidate.id === nodeId);
      if (!node) throw new Error(`no node ${nodeId}`);
      actions().dispatch(
        { kind: 'updateNode', nodeId: node.id, patch: { config: { ...node.config, [field]: value } } },
        { coalesceKey: `config:${nodeId}:${field}` },
      );
    },
    undo: () => actions().undo(),
    redo: () => actions().redo(),
    undoDepth: () => state().document.undoStack.length,
  };
}
