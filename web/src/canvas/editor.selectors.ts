import type { RunNodeView } from '@pipewright/api-contract';
import type { FlowEdge, FlowNode } from '@pipewright/flow';
import type { Edge, Node } from '@xyflow/react';
import type { CompileErrorView, EditorState } from './editor.store.ts';
import { groupFieldsOf, orderParentsFirst } from './loop-membership.ts';

/** Plain functions over the editor state; React components pass them to `useStore`, tests call them directly. */

export interface StepNodeData extends Record<string, unknown> {
  stepType: string;
}
/** `loop`: a Loop drawn as a resizable group holding its body nodes (LoopGroupNode). */
export type StepFlowNode = Node<StepNodeData, 'step' | 'loop'>;
export type StepFlowEdge = Edge;

export const selectDoc = (state: EditorState) => state.document.doc;
export const selectCanUndo = (state: EditorState) => state.document.undoStack.length > 0;
export const selectCanRedo = (state: EditorState) => state.document.redoStack.length > 0;
export const selectIsDirty = (state: EditorState) => state.document.dirty;

/** The single selected node (the inspector shows nothing for none or several). */
export function selectSelectedNode(state: EditorState): FlowNode | undefined {
  const [only, ...rest] = state.session.selectedNodeIds;
  if (only === undefined || rest.length > 0) return undefined;
  return indexNodes(state.document.doc.nodes).get(only);
}

export const selectNodeById =
  (nodeId: string) =>
  (state: EditorState): FlowNode | undefined =>
    indexNodes(state.document.doc.nodes).get(nodeId);

const NO_PINS: Readonly<Record<string, unknown>> = Object.freeze({});

/** Pinned sample outputs per node id (saved with the draft); the same object until a pin changes. */
export const selectPinnedSamples = (state: EditorState): Readonly<Record<string, unknown>> =>
  state.document.doc.pinnedData ?? NO_PINS;

/** Whether the node has a pinned sample (a pinned `null` counts): the canvas marker subscribes to this boolean. */
export const selectIsPinned =
  (nodeId: string) =>
  (state: EditorState): boolean => {
    const pins = state.document.doc.pinnedData;
    return pins !== undefined && Object.hasOwn(pins, nodeId);
  };

export const selectNodeStatus =
  (nodeId: string) =>
  (state: EditorState): RunNodeView['status'] | undefined =>
    state.run.nodes[nodeId]?.status;

export function compileErrorsForNode(errors: CompileErrorView[], nodeId: string): CompileErrorView[] {
  return errors.filter((error) => error.nodeId === nodeId);
}

/**
 * React Flow nodes derived from the document.  Each derived node keeps its identity while its document node,
 * position, size and selection are unchanged, so moving one node does not hand React Flow a thousand new objects.
 */
export function createFlowNodesSelector(): (state: EditorState) => StepFlowNode[] {
  const cache = new WeakMap<FlowNode, StepFlowNode>();
  let lastKey: unknown[] = [];
  let lastResult: StepFlowNode[] = [];
  return (state) => {
    const { doc } = state.document;
    const { dragPositions, measured, selectedNodeIds, resizeSizes } = state.session;
    const key = [doc.nodes, dragPositions, measured, selectedNodeIds, resizeSizes];
    if (key.every((part, index) => part === lastKey[index])) return lastResult;
    const selected = new Set<string>(selectedNodeIds);
    const byId = indexNodes(doc.nodes);
    // Parents before children (React Flow's rule for sub-flows).
    lastResult = orderParentsFirst(doc.nodes).map((node) => {
      const position = dragPositions[node.id] ?? node.position;
      const size = measured[node.id];
      const isSelected = selected.has(node.id);
      const group = groupFieldsOf(node, doc.nodes, byId, resizeSizes);
      const previous = cache.get(node);
      if (
        previous &&
        previous.position === position &&
        previous.selected === isSelected &&
        previous.measured?.width === size?.width &&
        previous.measured?.height === size?.height &&
        previous.width === group.width &&
        previous.height === group.height &&
        previous.parentId === group.parentId
      ) {
        return previous;
      }
      const derived: StepFlowNode = {
        id: node.id,
        ...group,
        position,
        data: previous?.data ?? { stepType: node.type },
        selected: isSelected,
        ...(size ? { measured: size } : {}),
      };
      cache.set(node, derived);
      return derived;
    });
    lastKey = key;
    return lastResult;
  };
}

export function createFlowEdgesSelector(): (state: EditorState) => StepFlowEdge[] {
  const cache = new WeakMap<FlowEdge, StepFlowEdge>();
  let lastKey: unknown[] = [];
  let lastResult: StepFlowEdge[] = [];
  return (state) => {
    const { edges } = state.document.doc;
    const { selectedEdgeIds } = state.session;
    const key = [edges, selectedEdgeIds];
    if (key.every((part, index) => part === lastKey[index])) return lastResult;
    const selected = new Set<string>(selectedEdgeIds);
    lastResult = edges.map((edge) => {
      const isSelected = selected.has(edge.id);
      const previous = cache.get(edge);
      if (previous && previous.selected === isSelected) return previous;
      const derived: StepFlowEdge = {
        id: edge.id,
        source: edge.source,
        sourceHandle: edge.sourcePort,
        target: edge.target,
        targetHandle: edge.targetPort,
        selected: isSelected,
      };
      cache.set(edge, derived);
      return derived;
    });
    lastKey = key;
    return lastResult;
  };
}

const nodeIndexes = new WeakMap<readonly FlowNode[], Map<string, FlowNode>>();

/** id → node, computed once per document change and shared by every node component's subscription. */
export function indexNodes(nodes: readonly FlowNode[]): Map<string, FlowNode> {
  let index = nodeIndexes.get(nodes);
  if (!index) {
    index = new Map(nodes.map((node) => [node.id as string, node]));
    nodeIndexes.set(nodes, index);
  }
  return index;
}

export const selectNodeTitle =
  (nodeId: string) =>
  (state: EditorState): string | undefined =>
    indexNodes(state.document.doc.nodes).get(nodeId)?.title;
