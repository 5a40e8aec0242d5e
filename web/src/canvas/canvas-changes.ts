import { asEdgeId, asNodeId, DEFAULT_PORT, type EdgeId, type NodeId, type Position } from '@pipewright/flow';
import type { Connection, EdgeChange, NodeChange } from '@xyflow/react';
import type { EditorStore } from './editor.store.ts';
import { canConnect, createEdge } from './node-factory.ts';

/**
 * React Flow runs controlled: its change events are translated here into store actions and domain commands, and
 * none of its internals enter the document.  Drags stay transient until the drop, which becomes one moveNodes.
 */
export function applyNodeChanges(store: EditorStore, changes: NodeChange[]): void {
  const { actions, session, document } = store.getState();
  const dragging: { nodeId: NodeId; position: Position }[] = [];
  const dropped: { nodeId: NodeId; position: Position }[] = [];
  const sizes: Record<string, { width: number; height: number }> = {};
  const removed: NodeId[] = [];
  let selection: Set<string> | null = null;
  // A Loop group being resized (NodeResizer): its size and the positions it moves stay transient until the end.
  const resizing: Record<string, { width: number; height: number }> = {};
  let resized: { nodeId: NodeId; size: { width: number; height: number } } | null = null;
  const isResizing = changes.some((change) => change.type === 'dimensions' && change.resizing === true);

  for (const change of changes) {
    switch (change.type) {
      case 'position':
        if (change.position && !session.readOnly) {
          (change.dragging || isResizing ? dragging : dropped).push({
            nodeId: asNodeId(change.id),
            position: change.position,
          });
        }
        break;
      case 'dimensions':
        if (change.dimensions && change.resizing === true) resizing[change.id] = change.dimensions;
        else if (change.dimensions && change.resizing === false && !session.readOnly) {
          resized = { nodeId: asNodeId(change.id), size: change.dimensions };
        } else if (change.dimensions) sizes[change.id] = change.dimensions;
        break;
      case 'select':
        selection ??= new Set(session.selectedNodeIds);
        if (change.selected) selection.add(change.id);
        else selection.delete(change.id);
        break;
      case 'remove':
        if (document.doc.nodes.some((node) => node.id === change.id)) removed.push(asNodeId(change.id));
        break;
      default:
        break;
    }
  }

  if (Object.keys(sizes).length) actions.setMeasured(sizes);
  if (selection) actions.select({ nodeIds: [...selection].map(asNodeId) });
  if (dragging.length) actions.dragNodes(dragging);
  if (dropped.length) actions.dropNodes(dropped);
  if (Object.keys(resizing).length) actions.resizeNodes(resizing);
  if (resized) actions.commitResize(resized.nodeId, resized.size);
  if (removed.length && !session.readOnly) actions.dispatch({ kind: 'removeNodes', nodeIds: removed });
}

export function applyEdgeChanges(store: EditorStore, changes: EdgeChange[]): void {
  const { actions, session, document } = store.getState();
  const removed: EdgeId[] = [];
  let selection: Set<string> | null = null;
  for (const change of changes) {
    if (change.type === 'select') {
      selection ??= new Set(session.selectedEdgeIds);
      if (change.selected) selection.add(change.id);
      else selection.delete(change.id);
    } else if (change.type === 'remove') {
      // Edges of a node removed in the same gesture are already gone with it.
      if (document.doc.edges.some((edge) => edge.id === change.id)) removed.push(asEdgeId(change.id));
    }
  }
  if (selection) actions.select({ edgeIds: [...selection].map(asEdgeId) });
  if (removed.length && !session.readOnly) actions.dispatch({ kind: 'removeEdges', edgeIds: removed });
}

/** Adds the edge a drag from one handle to another drew; the source handle id is the output port (If: true/false). */
export function connectNodes(
  store: EditorStore,
  connection: Pick<Connection, 'source' | 'target'> & { sourceHandle?: string | null },
  isTrigger: (type: string) => boolean = () => false,
): boolean {
  const { document, actions, session } = store.getState();
  if (session.readOnly || !canConnect(document.doc, connection.source, connection.target, isTrigger)) return false;
  const edge = createEdge(document.doc, asNodeId(connection.source), asNodeId(connection.target));
  const sourcePort = connection.sourceHandle || DEFAULT_PORT;
  actions.dispatch({ kind: 'addEdges', edges: [{ ...edge, sourcePort }] });
  return true;
}
