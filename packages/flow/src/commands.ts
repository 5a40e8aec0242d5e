import type {
  FlowDocument,
  FlowEdge,
  FlowNode,
  FlowSettings,
  NodeSettings,
  NodeSize,
  PinnedData,
  Position,
} from './document.ts';
import type { EdgeId, NodeId } from './ids.ts';

/**
 * Every edit to a flow document is a command.  `applyCommand` is pure and returns the inverse command, so the
 * editor's undo/redo is a pair of stacks and the server can validate saves with the same code.
 */
export type FlowCommand =
  | { kind: 'addNodes'; nodes: FlowNode[] }
  | { kind: 'removeNodes'; nodeIds: NodeId[] }
  | { kind: 'moveNodes'; moves: { nodeId: NodeId; position: Position }[] }
  | { kind: 'updateNode'; nodeId: NodeId; patch: NodePatch }
  | { kind: 'addEdges'; edges: FlowEdge[] }
  | { kind: 'removeEdges'; edgeIds: EdgeId[] }
  /**
   * Adds nodes and the edges between them as one step (a paste, a duplicate): every id is checked before anything
   * changes, and the inverse removes exactly what was added.
   */
  | { kind: 'addSubgraph'; nodes: FlowNode[]; edges: FlowEdge[] }
  /** Replaces the flow-wide settings (absent = none). */
  | { kind: 'updateFlowSettings'; settings: FlowSettings | undefined }
  /** Pins `data` (any JSON value, `null` included) as the node's sample output, replacing an earlier pin. */
  | { kind: 'pinData'; nodeId: NodeId; data: unknown }
  /** Removes the node's pinned sample output. */
  | { kind: 'unpinData'; nodeId: NodeId }
  | { kind: 'batch'; commands: FlowCommand[] }
  /**
   * Inverse of removals: puts nodes and edges back at their former indexes, and the pinned data the removed nodes
   * had (removing a node drops its pin).
   */
  | { kind: 'restore'; nodes: Indexed<FlowNode>[]; edges: Indexed<FlowEdge>[]; pinnedData?: PinnedData };

export interface NodePatch {
  title?: string | undefined;
  config?: Record<string, unknown>;
  settings?: NodeSettings | undefined;
  /** Moves the node into a Loop's body (its id) or out of it (undefined). */
  parentId?: NodeId | undefined;
  /** Resizes a container node's box (a Loop group), or returns it to its default size (undefined). */
  size?: NodeSize | undefined;
  /** Upgrades (or, as an inverse, downgrades) the step version the node is pinned to; sent with the migrated config. */
  typeVersion?: number;
}

export interface Indexed<T> {
  index: number;
  item: T;
}

export class FlowCommandError extends Error {
  override name = 'FlowCommandError';
}

export interface CommandResult {
  doc: FlowDocument;
  inverse: FlowCommand;
}

export function applyCommand(doc: FlowDocument, command: FlowCommand): CommandResult {
  switch (command.kind) {
    case 'addNodes':
      return addNodes(doc, command.nodes);
    case 'removeNodes':
      return removeNodes(doc, command.nodeIds);
    case 'moveNodes':
      return moveNodes(doc, command.moves);
    case 'updateNode':
      return updateNode(doc, command.nodeId, command.patch);
    case 'addEdges':
      return addEdges(doc, command.edges);
    case 'removeEdges':
      return removeEdges(doc, command.edgeIds);
    case 'addSubgraph':
      return addSubgraph(doc, command.nodes, command.edges);
    case 'updateFlowSettings':
      return updateFlowSettings(doc, command.settings);
    case 'pinData':
      return setPin(doc, command.nodeId, { data: command.data });
    case 'unpinData':
      return setPin(doc, command.nodeId, undefined);
    case 'batch':
      return batch(doc, command.commands);
    case 'restore':
      return restore(doc, command);
  }
}

function addNodes(doc: FlowDocument, nodes: FlowNode[]): CommandResult {
  const ids = new Set(doc.nodes.map((node) => node.id));
  for (const node of nodes) {
    if (ids.has(node.id)) throw new FlowCommandError(`node "${node.id}" already exists`);
    ids.add(node.id);
  }
  return {
    doc: { ...doc, nodes: [...doc.nodes, ...nodes] },
    inverse: { kind: 'removeNodes', nodeIds: nodes.map((node) => node.id) },
  };
}

function removeNodes(doc: FlowDocument, nodeIds: NodeId[]): CommandResult {
  const doomed = new Set<string>(nodeIds);
  for (const id of nodeIds) {
    if (!doc.nodes.some((node) => node.id === id)) throw new FlowCommandError(`node "${id}" does not exist`);
  }
  const removedNodes: Indexed<FlowNode>[] = [];
  const removedEdges: Indexed<FlowEdge>[] = [];
  doc.nodes.forEach((item, index) => {
    if (doomed.has(item.id)) removedNodes.push({ index, item });
  });
  doc.edges.forEach((item, index) => {
    if (doomed.has(item.source) || doomed.has(item.target)) removedEdges.push({ index, item });
  });
  const pins = Object.entries(doc.pinnedData ?? {});
  const removedPins = pins.filter(([nodeId]) => doomed.has(nodeId));
  const next: FlowDocument = {
    ...doc,
    nodes: doc.nodes.filter((node) => !doomed.has(node.id)),
    edges: doc.edges.filter((edge) => !doomed.has(edge.source) && !doomed.has(edge.target)),
  };
  return {
    doc: removedPins.length
      ? withPinnedData(
          next,
          pins.filter(([nodeId]) => !doomed.has(nodeId)),
        )
      : next,
    inverse: {
      kind: 'restore',
      nodes: removedNodes,
      edges: removedEdges,
      ...(removedPins.length ? { pinnedData: Object.fromEntries(removedPins) } : {}),
    },
  };
}

/** Sets (`{ data }`) or removes (undefined) one node's pin; the inverse puts back what was there. */
function setPin(doc: FlowDocument, nodeId: NodeId, pin: { data: unknown } | undefined): CommandResult {
  if (!doc.nodes.some((node) => node.id === nodeId)) throw new FlowCommandError(`node "${nodeId}" does not exist`);
  if (pin !== undefined && pin.data === undefined) {
    throw new FlowCommandError(`node "${nodeId}": pinned data must be a JSON value`);
  }
  const pins = Object.entries(doc.pinnedData ?? {});
  const previous = pins.find(([id]) => id === nodeId);
  const others = pins.filter(([id]) => id !== nodeId);
  const inverse: FlowCommand = previous
    ? { kind: 'pinData', nodeId, data: previous[1] }
    : { kind: 'unpinData', nodeId };
  if (pin === undefined && !previous) return { doc, inverse };
  // A pin replaced in place keeps its key order, so re-pinning and undo give back an equal document.
  const next =
    pin === undefined
      ? others
      : previous
        ? pins.map(([id, data]): [string, unknown] => [id, id === nodeId ? pin.data : data])
        : [...pins, [nodeId, pin.data] as [string, unknown]];
  return { doc: withPinnedData(doc, next), inverse };
}

/**
 * The document with these pins (none: no `pinnedData` key).  Built with `Object.fromEntries`, which defines own
 * properties, so a key such as `__proto__` stays data and never reaches a prototype.
 */
function withPinnedData(doc: FlowDocument, pins: [string, unknown][]): FlowDocument {
  const next: FlowDocument = { ...doc };
  if (pins.length === 0) delete next.pinnedData;
  else next.pinnedData = Object.fromEntries(pins);
  return next;
}

function moveNodes(doc: FlowDocument, moves: { nodeId: NodeId; position: Position }[]): CommandResult {
  const targets = new Map(moves.map((move) => [move.nodeId as string, move.position]));
  const previous: { nodeId: NodeId; position: Position }[] = [];
  const nodes = doc.nodes.map((node) => {
    const position = targets.get(node.id);
    if (!position) return node;
    previous.push({ nodeId: node.id, position: node.position });
    return { ...node, position };
  });
  if (previous.length !== targets.size) throw new FlowCommandError('cannot move a node that does not exist');
  return { doc: { ...doc, nodes }, inverse: { kind: 'moveNodes', moves: previous } };
}

function updateNode(doc: FlowDocument, nodeId: NodeId, patch: NodePatch): CommandResult {
  const index = doc.nodes.findIndex((node) => node.id === nodeId);
  const node = doc.nodes[index];
  if (!node) throw new FlowCommandError(`node "${nodeId}" does not exist`);
  const before: NodePatch = {};
  let next: FlowNode = node;
  if ('title' in patch) {
    before.title = node.title;
    next = withOptional(next, 'title', patch.title);
  }
  if (patch.config !== undefined) {
    before.config = node.config;
    next = { ...next, config: patch.config };
  }
  if ('settings' in patch) {
    before.settings = node.settings;
    next = withOptional(next, 'settings', patch.settings);
  }
  if ('parentId' in patch) {
    before.parentId = node.parentId;
    next = withOptional(next, 'parentId', patch.parentId);
  }
  if ('size' in patch) {
    before.size = node.size;
    next = withOptional(next, 'size', patch.size);
  }
  if (patch.typeVersion !== undefined) {
    before.typeVersion = node.typeVersion;
    next = { ...next, typeVersion: patch.typeVersion };
  }
  const nodes = [...doc.nodes];
  nodes[index] = next;
  return { doc: { ...doc, nodes }, inverse: { kind: 'updateNode', nodeId, patch: before } };
}

/** Sets or deletes an optional property (exactOptionalPropertyTypes: absent, never `undefined`). */
function withOptional<K extends 'title' | 'settings' | 'parentId' | 'size'>(
  node: FlowNode,
  key: K,
  value: FlowNode[K] | undefined,
): FlowNode {
  const copy = { ...node };
  if (value === undefined) delete copy[key];
  else copy[key] = value as FlowNode[K] & {};
  return copy;
}

function addEdges(doc: FlowDocument, edges: FlowEdge[]): CommandResult {
  const ids = new Set(doc.edges.map((edge) => edge.id));
  const nodeIds = new Set(doc.nodes.map((node) => node.id));
  for (const edge of edges) {
    if (ids.has(edge.id)) throw new FlowCommandError(`edge "${edge.id}" already exists`);
    if (!nodeIds.has(edge.source))
      throw new FlowCommandError(`edge "${edge.id}": source node "${edge.source}" does not exist`);
    if (!nodeIds.has(edge.target))
      throw new FlowCommandError(`edge "${edge.id}": target node "${edge.target}" does not exist`);
    ids.add(edge.id);
  }
  return {
    doc: { ...doc, edges: [...doc.edges, ...edges] },
    inverse: { kind: 'removeEdges', edgeIds: edges.map((edge) => edge.id) },
  };
}

function removeEdges(doc: FlowDocument, edgeIds: EdgeId[]): CommandResult {
  const doomed = new Set<string>(edgeIds);
  const removed: Indexed<FlowEdge>[] = [];
  doc.edges.forEach((item, index) => {
    if (doomed.has(item.id)) removed.push({ index, item });
  });
  if (removed.length !== doomed.size) throw new FlowCommandError('cannot remove an edge that does not exist');
  return {
    doc: { ...doc, edges: doc.edges.filter((edge) => !doomed.has(edge.id)) },
    inverse: { kind: 'restore', nodes: [], edges: removed },
  };
}

function addSubgraph(doc: FlowDocument, nodes: FlowNode[], edges: FlowEdge[]): CommandResult {
  const added = addNodes(doc, nodes);
  const connected = addEdges(added.doc, edges);
  const nodeIds = new Set<string>(added.doc.nodes.map((node) => node.id));
  for (const node of nodes) {
    if (node.parentId !== undefined && !nodeIds.has(node.parentId)) {
      throw new FlowCommandError(`node "${node.id}": parent node "${node.parentId}" does not exist`);
    }
  }
  return { doc: connected.doc, inverse: { kind: 'batch', commands: [connected.inverse, added.inverse] } };
}

function updateFlowSettings(doc: FlowDocument, settings: FlowSettings | undefined): CommandResult {
  const next: FlowDocument = { ...doc };
  if (settings === undefined) delete next.settings;
  else next.settings = settings;
  return { doc: next, inverse: { kind: 'updateFlowSettings', settings: doc.settings } };
}

function batch(doc: FlowDocument, commands: FlowCommand[]): CommandResult {
  let current = doc;
  const inverses: FlowCommand[] = [];
  for (const command of commands) {
    const result = applyCommand(current, command);
    current = result.doc;
    inverses.unshift(result.inverse);
  }
  return { doc: current, inverse: { kind: 'batch', commands: inverses } };
}

function restore(
  doc: FlowDocument,
  { nodes, edges, pinnedData }: Extract<FlowCommand, { kind: 'restore' }>,
): CommandResult {
  const restored: FlowDocument = {
    ...doc,
    nodes: insertAtIndexes(doc.nodes, nodes),
    edges: insertAtIndexes(doc.edges, edges),
  };
  const pins = Object.entries(pinnedData ?? {});
  return {
    doc: pins.length ? withPinnedData(restored, [...Object.entries(doc.pinnedData ?? {}), ...pins]) : restored,
    inverse: {
      kind: 'batch',
      commands: [
        { kind: 'removeEdges', edgeIds: edges.map((entry) => entry.item.id) },
        ...(nodes.length ? [{ kind: 'removeNodes' as const, nodeIds: nodes.map((entry) => entry.item.id) }] : []),
      ],
    },
  };
}

/** Re-inserts items at the indexes they had; entries must be sorted by index (as removals produce them). */
function insertAtIndexes<T>(list: T[], entries: Indexed<T>[]): T[] {
  const out = [...list];
  for (const entry of [...entries].sort((a, b) => a.index - b.index)) {
    out.splice(Math.min(entry.index, out.length), 0, entry.item);
  }
  return out;
}
