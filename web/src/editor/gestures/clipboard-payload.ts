import {
  asEdgeId,
  asNodeId,
  type FlowDocument,
  type FlowEdge,
  type FlowNode,
  flowDocumentSchema,
  type NodeId,
  type Position,
} from '@pipewright/flow';
import { absolutePosition } from './node-geometry.ts';

/**
 * What Copy puts on the clipboard (and in localStorage): a versioned envelope around document nodes and edges.  On
 * paste it is hostile input, whoever wrote it: the envelope is checked here and the nodes and edges by the flow
 * document's own zod schema, then every reference is checked to stay inside the payload.
 */
export const CLIPBOARD_FORMAT = 'pipewright/flow-selection';
export const CLIPBOARD_VERSION = 1;
/** Larger text is not parsed at all (a document holds at most 5,000 nodes; a copy of them all fits well below). */
export const MAX_CLIPBOARD_CHARS = 5_000_000;
const MAX_DOCUMENT_NODES = 5000;

export interface ClipboardPayload {
  format: typeof CLIPBOARD_FORMAT;
  version: typeof CLIPBOARD_VERSION;
  /** The flow it was copied from: a paste into the same flow offsets the copy so it does not hide the original. */
  sourceFlowId: string;
  nodes: FlowNode[];
  edges: FlowEdge[];
}

export type ParsedClipboard =
  | { ok: true; payload: ClipboardPayload }
  /** `foreign`: text that is not a copy of steps at all (pasting ordinary text onto the canvas is not an error). */
  | { ok: false; reason: 'foreign' | 'invalid'; error: string };

/**
 * The payload for copying `nodeIds`: those nodes, the bodies of the Loops among them (however deep), and every edge
 * between two copied nodes.  A body node copied without its Loop leaves the loop: its position becomes absolute.
 * Null when nothing is selected.
 */
export function buildClipboardPayload(input: {
  doc: FlowDocument;
  flowId: string;
  nodeIds: readonly string[];
}): ClipboardPayload | null {
  const { doc } = input;
  const copied = new Set(input.nodeIds.filter((id) => doc.nodes.some((node) => node.id === id)));
  if (copied.size === 0) return null;
  // Loop bodies travel with their Loop: add children until nothing new joins.
  for (let grew = true; grew; ) {
    grew = false;
    for (const node of doc.nodes) {
      if (node.parentId !== undefined && copied.has(node.parentId) && !copied.has(node.id)) {
        copied.add(node.id);
        grew = true;
      }
    }
  }
  const byId = new Map<string, FlowNode>(doc.nodes.map((node) => [node.id, node]));
  const nodes = doc.nodes
    .filter((node) => copied.has(node.id))
    .map((node) => {
      if (node.parentId === undefined || copied.has(node.parentId)) return node;
      const { parentId: _detached, ...rest } = node;
      return { ...rest, position: absolutePosition(byId, node) };
    });
  const edges = doc.edges.filter((edge) => copied.has(edge.source) && copied.has(edge.target));
  return { format: CLIPBOARD_FORMAT, version: CLIPBOARD_VERSION, sourceFlowId: input.flowId, nodes, edges };
}

export const serializeClipboardPayload = (payload: ClipboardPayload): string => JSON.stringify(payload);

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Parses clipboard text; every failure says which field is wrong and why. */
export function parseClipboardPayload(text: string): ParsedClipboard {
  const foreign = (error: string): ParsedClipboard => ({ ok: false, reason: 'foreign', error });
  const invalid = (error: string): ParsedClipboard => ({ ok: false, reason: 'invalid', error });
  if (text.length > MAX_CLIPBOARD_CHARS)
    return invalid(`the copied steps are too large (over ${MAX_CLIPBOARD_CHARS} characters)`);
  if (!text.trimStart().startsWith('{')) return foreign('the clipboard holds no copied steps');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return foreign('the clipboard holds no copied steps');
  }
  if (!isRecord(raw) || raw.format !== CLIPBOARD_FORMAT) return foreign('the clipboard holds no copied steps');
  if (raw.version !== CLIPBOARD_VERSION) {
    return invalid(
      `version: steps copied by version ${JSON.stringify(raw.version)} of Pipewright cannot be pasted here`,
    );
  }
  if (typeof raw.sourceFlowId !== 'string') return invalid('sourceFlowId: must be a string');
  const checked = flowDocumentSchema.safeParse({ schemaVersion: 1, nodes: raw.nodes, edges: raw.edges });
  if (!checked.success) {
    const issue = checked.error.issues[0];
    return invalid(`${issue?.path.join('.') || 'nodes'}: ${issue?.message ?? 'not a list of steps'}`);
  }
  const { nodes, edges } = checked.data;
  if (nodes.length === 0) return invalid('nodes: nothing was copied');
  const ids = new Set<string>(nodes.map((node) => node.id));
  for (const [index, node] of nodes.entries()) {
    if (node.parentId !== undefined && !ids.has(node.parentId)) {
      return invalid(`nodes.${index}.parentId: "${node.parentId}" is not among the copied steps`);
    }
  }
  for (const [index, edge] of edges.entries()) {
    if (!ids.has(edge.source)) return invalid(`edges.${index}.source: "${edge.source}" is not among the copied steps`);
    if (!ids.has(edge.target)) return invalid(`edges.${index}.target: "${edge.target}" is not among the copied steps`);
  }
  return {
    ok: true,
    payload: { format: CLIPBOARD_FORMAT, version: CLIPBOARD_VERSION, sourceFlowId: raw.sourceFlowId, nodes, edges },
  };
}

export interface PastePlan {
  nodes: FlowNode[];
  edges: FlowEdge[];
  /** The pasted nodes to select: all of them. */
  nodeIds: NodeId[];
}

/** Distance between a copy and what it would otherwise cover, at zoom 1. */
export const PASTE_STEP = 40;

/**
 * The nodes and edges a paste adds: node ids kept where free, else `<base>_2`, `<base>_3`…; edge ids derived from
 * the new ends; `steps.<old id>` references between pasted nodes renamed; parents ordered before their bodies; the
 * top-level nodes moved by `PASTE_STEP` steps (at least one in the flow they came from) until none lands exactly on
 * an existing node.  Throws when the flow would exceed the document's node limit.
 */
export function planPaste(input: { doc: FlowDocument; flowId: string; payload: ClipboardPayload }): PastePlan {
  const { doc, payload } = input;
  if (doc.nodes.length + payload.nodes.length > MAX_DOCUMENT_NODES) {
    throw new Error(`a flow holds at most ${MAX_DOCUMENT_NODES} steps; this paste would make it larger`);
  }
  const takenNodes = new Set<string>(doc.nodes.map((node) => node.id));
  const ids = new Map<string, NodeId>();
  for (const node of payload.nodes) {
    const fresh = freshId(node.id, takenNodes);
    takenNodes.add(fresh);
    ids.set(node.id, asNodeId(fresh));
  }
  const rename = (id: string): NodeId => ids.get(id) ?? asNodeId(id);
  const offset = pasteOffset(doc, payload, payload.sourceFlowId === input.flowId ? 1 : 0);

  const nodes = parentsFirst(payload.nodes).map((node): FlowNode => {
    const moved =
      node.parentId === undefined ? { x: node.position.x + offset.x, y: node.position.y + offset.y } : node.position;
    return {
      ...node,
      id: rename(node.id),
      position: moved,
      config: renameReferences(node.config, ids) as Record<string, unknown>,
      ...(node.parentId === undefined ? {} : { parentId: rename(node.parentId) }),
    };
  });
  const takenEdges = new Set<string>(doc.edges.map((edge) => edge.id));
  const edges = payload.edges.map((edge): FlowEdge => {
    const source = rename(edge.source);
    const target = rename(edge.target);
    const base = `${source}__${target}`.slice(0, 190);
    let id = base;
    for (let n = 2; takenEdges.has(id); n++) id = `${base}_${n}`;
    takenEdges.add(id);
    return { ...edge, id: asEdgeId(id), source, target };
  });
  return { nodes, edges, nodeIds: nodes.map((node) => node.id) };
}

/** `id` when free, else `<id without a _N suffix>_2`, `_3`…, within the 64 characters a node id may have. */
export function freshId(id: string, taken: ReadonlySet<string>): string {
  if (!taken.has(id)) return id;
  const base = (id.replace(/_\d+$/, '') || id).slice(0, 57);
  for (let n = 2; ; n++) {
    const candidate = `${base}_${n}`;
    if (!taken.has(candidate)) return candidate;
  }
}

function pasteOffset(doc: FlowDocument, payload: ClipboardPayload, minimumSteps: number): Position {
  const occupied = new Set(doc.nodes.filter((node) => node.parentId === undefined).map((node) => key(node.position)));
  const tops = payload.nodes.filter((node) => node.parentId === undefined);
  let steps = minimumSteps;
  const collides = () =>
    tops.some((node) =>
      occupied.has(key({ x: node.position.x + steps * PASTE_STEP, y: node.position.y + steps * PASTE_STEP })),
    );
  while (steps < 50 && collides()) steps++;
  return { x: steps * PASTE_STEP, y: steps * PASTE_STEP };
}

const key = (position: Position) => `${Math.round(position.x)},${Math.round(position.y)}`;

/** React Flow draws a parent before its children; a hostile payload may list them in any order. */
function parentsFirst(nodes: readonly FlowNode[]): FlowNode[] {
  const out: FlowNode[] = [];
  const placed = new Set<string>();
  let pending = [...nodes];
  while (pending.length) {
    const next = pending.filter((node) => node.parentId !== undefined && !placed.has(node.parentId));
    const ready = pending.filter((node) => node.parentId === undefined || placed.has(node.parentId));
    // A parent cycle: place the rest as they are rather than loop forever (the compiler reports the cycle).
    if (ready.length === 0) return [...out, ...next];
    for (const node of ready) {
      out.push(node);
      placed.add(node.id);
    }
    pending = next;
  }
  return out;
}

/** Rewrites `steps.<old>` to `steps.<new>` in every string of a config, so pasted nodes refer to each other. */
function renameReferences(value: unknown, ids: ReadonlyMap<string, string>): unknown {
  if (typeof value === 'string') {
    if (!value.includes('steps.')) return value;
    return value.replace(/\bsteps\.([A-Za-z_][A-Za-z0-9_]*)\b/g, (match, id: string) => {
      const renamed = ids.get(id);
      return renamed === undefined ? match : `steps.${renamed}`;
    });
  }
  if (Array.isArray(value)) return value.map((item) => renameReferences(item, ids));
  if (isRecord(value)) {
    // fromEntries defines own properties, so a "__proto__" key in pasted data stays data.
    return Object.fromEntries(Object.entries(value).map(([name, item]) => [name, renameReferences(item, ids)]));
  }
  return value;
}
