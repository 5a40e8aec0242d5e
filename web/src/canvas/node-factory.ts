import {
  asEdgeId,
  asNodeId,
  type FlowDocument,
  type FlowEdge,
  type FlowNode,
  type NodeId,
  type Position,
} from '@pipewright/flow';
import type { StepManifest } from '@pipewright/step-sdk';

/**
 * Readable node ids derived from the step type, because builders type them in expressions
 * (`{{ steps.transform.total }}`): `core.transform` → `transform`, `http.request` → `http_request`, then `_2`, `_3`…
 */
export function idBaseForType(type: string): string {
  const withoutCore = type.startsWith('core.') ? type.slice('core.'.length) : type;
  const cleaned = withoutCore.replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+|_+$/g, '') || 'step';
  const safe = /^[A-Za-z_]/.test(cleaned) ? cleaned : `_${cleaned}`;
  return safe.slice(0, 58);
}

export function nextNodeId(doc: FlowDocument, type: string): NodeId {
  const taken = new Set<string>(doc.nodes.map((node) => node.id));
  const base = idBaseForType(type);
  if (!taken.has(base)) return asNodeId(base);
  for (let n = 2; ; n++) {
    const candidate = `${base}_${n}`;
    if (!taken.has(candidate)) return asNodeId(candidate);
  }
}

/** The input schema's declared defaults, so a fresh node already holds a sensible config. */
export function defaultConfig(manifest: Pick<StepManifest, 'inputSchema'> | undefined): Record<string, unknown> {
  const properties = manifest?.inputSchema.properties;
  if (!properties || typeof properties !== 'object') return {};
  const config: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(properties)) {
    if (schema && typeof schema === 'object' && 'default' in schema) config[name] = structuredClone(schema.default);
  }
  return config;
}

export interface NewNodeInput {
  doc: FlowDocument;
  type: string;
  position: Position;
  manifest?: Pick<StepManifest, 'version' | 'inputSchema'>;
}

export function createNode({ doc, type, position, manifest }: NewNodeInput): FlowNode {
  return {
    id: nextNodeId(doc, type),
    type,
    typeVersion: manifest?.version ?? 1,
    position: { x: Math.round(position.x), y: Math.round(position.y) },
    config: defaultConfig(manifest),
  };
}

export function createEdge(doc: FlowDocument, source: NodeId, target: NodeId): FlowEdge {
  const taken = new Set<string>(doc.edges.map((edge) => edge.id));
  const base = `${source}__${target}`;
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}_${n}`;
  return { id: asEdgeId(id), source, sourcePort: 'out', target, targetPort: 'in' };
}

/** Whether drawing source → target is allowed: no self-loops, no duplicate edges, nothing into a trigger. */
export function canConnect(
  doc: FlowDocument,
  source: string,
  target: string,
  isTrigger: (type: string) => boolean,
): boolean {
  if (source === target) return false;
  const targetNode = doc.nodes.find((node) => node.id === target);
  if (!targetNode || isTrigger(targetNode.type)) return false;
  return !doc.edges.some((edge) => edge.source === source && edge.target === target);
}
