import type { FlowDocument, FlowEdge, FlowNode, Position } from './document.ts';

/** One leaf that differs: `path` is dotted from the node (or document) root, e.g. `config.headers.accept`. */
export interface FieldChange {
  path: string;
  /** Absent when the field did not exist before. */
  before?: unknown;
  /** Absent when the field no longer exists. */
  after?: unknown;
}

export interface NodeChange {
  id: string;
  fields: FieldChange[];
}

export interface NodeMove {
  id: string;
  before: Position;
  after: Position;
}

/**
 * What changed from document `before` to document `after`.  Nodes and edges are matched by id.  A node whose only
 * change is its position is listed under `moved`, never under `changed` (a drag is not a behaviour change).  An
 * edge whose id stayed but whose endpoints or ports changed is reported as removed and added.  `settings` lists
 * changes to document-level fields other than `nodes`/`edges`/`pinnedData` (per-node settings appear in the node's fields).
 */
export interface FlowDiff {
  nodes: { added: FlowNode[]; removed: FlowNode[]; changed: NodeChange[]; moved: NodeMove[] };
  edges: { added: FlowEdge[]; removed: FlowEdge[] };
  settings: FieldChange[];
}

/**
 * Compares two flow documents.  Pure; the server's version diff route and the editor use it.
 *
 * @example
 * const diff = diffFlows(v1.document, v2.document);
 * diff.nodes.changed; // [{ id: 'call', fields: [{ path: 'config.url', before: 'https://a', after: 'https://b' }] }]
 */
export function diffFlows(before: FlowDocument, after: FlowDocument): FlowDiff {
  const beforeNodes = new Map(before.nodes.map((node) => [node.id as string, node]));
  const afterNodes = new Map(after.nodes.map((node) => [node.id as string, node]));
  const diff: FlowDiff = {
    nodes: { added: [], removed: [], changed: [], moved: [] },
    edges: { added: [], removed: [] },
    settings: [],
  };
  for (const node of after.nodes) if (!beforeNodes.has(node.id)) diff.nodes.added.push(node);
  for (const node of before.nodes) {
    const next = afterNodes.get(node.id);
    if (!next) {
      diff.nodes.removed.push(node);
      continue;
    }
    // A container's drawn size is layout, like its position: not a behaviour change.
    const { position: beforePosition, size: _beforeSize, ...beforeRest } = node;
    const { position: afterPosition, size: _afterSize, ...afterRest } = next;
    const fields: FieldChange[] = [];
    diffValues(beforeRest, afterRest, '', fields);
    if (fields.length > 0) diff.nodes.changed.push({ id: node.id, fields });
    if (beforePosition.x !== afterPosition.x || beforePosition.y !== afterPosition.y) {
      diff.nodes.moved.push({ id: node.id, before: beforePosition, after: afterPosition });
    }
  }

  const beforeEdges = new Map(before.edges.map((edge) => [edge.id as string, edge]));
  const afterEdges = new Map(after.edges.map((edge) => [edge.id as string, edge]));
  for (const edge of after.edges) {
    const previous = beforeEdges.get(edge.id);
    if (!previous || !isDeepEqual(previous, edge)) diff.edges.added.push(edge);
  }
  for (const edge of before.edges) {
    const next = afterEdges.get(edge.id);
    if (!next || !isDeepEqual(next, edge)) diff.edges.removed.push(edge);
  }

  // Pinned sample data is test data, not behaviour (and published versions never hold it): not a change.
  const { nodes: _bn, edges: _be, pinnedData: _bp, ...beforeSettings } = before;
  const { nodes: _an, edges: _ae, pinnedData: _ap, ...afterSettings } = after;
  diffValues(beforeSettings, afterSettings, '', diff.settings);
  return diff;
}

/** True when the diff has nothing to show (moves included). */
export function isEmptyDiff(diff: FlowDiff): boolean {
  return (
    diff.nodes.added.length === 0 &&
    diff.nodes.removed.length === 0 &&
    diff.nodes.changed.length === 0 &&
    diff.nodes.moved.length === 0 &&
    diff.edges.added.length === 0 &&
    diff.edges.removed.length === 0 &&
    diff.settings.length === 0
  );
}

type Plain = Record<string, unknown>;

const isPlainObject = (value: unknown): value is Plain =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const join = (prefix: string, key: string | number) => (prefix === '' ? String(key) : `${prefix}.${key}`);

/** Recurses into objects and arrays (by index) and records the differing leaves. */
function diffValues(before: unknown, after: unknown, path: string, out: FieldChange[]): void {
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
    for (const key of keys) {
      const hasBefore = Object.hasOwn(before, key) && before[key] !== undefined;
      const hasAfter = Object.hasOwn(after, key) && after[key] !== undefined;
      if (hasBefore && hasAfter) diffValues(before[key], after[key], join(path, key), out);
      else if (hasBefore) out.push({ path: join(path, key), before: before[key] });
      else if (hasAfter) out.push({ path: join(path, key), after: after[key] });
    }
    return;
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const length = Math.max(before.length, after.length);
    for (let index = 0; index < length; index += 1) {
      if (index >= after.length) out.push({ path: join(path, index), before: before[index] });
      else if (index >= before.length) out.push({ path: join(path, index), after: after[index] });
      else diffValues(before[index], after[index], join(path, index), out);
    }
    return;
  }
  if (!isDeepEqual(before, after)) out.push({ path, before, after });
}

function isDeepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, index) => isDeepEqual(item, b[index]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const keysA = Object.keys(a).filter((key) => a[key] !== undefined);
    const keysB = Object.keys(b).filter((key) => b[key] !== undefined);
    return keysA.length === keysB.length && keysA.every((key) => isDeepEqual(a[key], b[key]));
  }
  return false;
}
