import { EXPRESSION_ENGINE } from '@pipewright/expression';
import { type FlowDocument, type FlowNode, flowDocumentSchema } from '@pipewright/flow';
import type { StepManifest } from '@pipewright/step-sdk';
import { checkExpressions } from './check-expressions.ts';
import { ancestorsOf, buildGraph, type FlowGraph, findCycles, reachableFrom, topologicalOrder } from './graph.ts';
import {
  type CompileError,
  type CompileResult,
  type ExecutionPlan,
  PLAN_FORMAT,
  type PlanNode,
  type PlanRetryPolicy,
  RUNTIME_VERSION,
} from './plan.ts';
import { fillDefaults, validateConfig } from './validate-config.ts';

/** The step catalog as the compiler sees it: one manifest (one version) per type. */
export interface CatalogLookup {
  get(type: string): StepManifest | undefined;
}

export interface CompileOptions {
  flowId: string;
  /** Published version number; 0 for a draft run. */
  version: number;
  defaultTaskQueue: string;
  defaults?: { retry?: Partial<PlanRetryPolicy>; timeoutMs?: number };
}

export const PLATFORM_RETRY: PlanRetryPolicy = {
  maxAttempts: 3,
  initialIntervalMs: 1000,
  backoffCoefficient: 2,
  maxIntervalMs: 60_000,
};
export const PLATFORM_TIMEOUT_MS = 60_000;

/**
 * Compiles a flow document into an execution plan, or returns every error found, each located by node/edge and field.
 * `plan.hash` is left empty: the caller hashes `canonicalJson(plan)` and fills it in.
 *
 * @example
 * const result = compileFlow(doc, { get: (type) => manifests.get(type) }, { flowId, version: 3, defaultTaskQueue: 'steps' });
 * if (!result.ok) showOnNodes(result.errors);
 */
export function compileFlow(document: unknown, catalog: CatalogLookup, options: CompileOptions): CompileResult {
  const parsed = flowDocumentSchema.safeParse(document);
  if (!parsed.success) return { ok: false, errors: documentErrors(document, parsed.error.issues) };
  const doc = parsed.data;

  const errors: CompileError[] = [];
  const manifests = resolveManifests(doc, catalog, errors);
  const triggerIds = doc.nodes
    .filter((node) => catalog.get(node.type)?.kind === 'trigger')
    .map((node) => node.id as string);
  const graph = checkTopology(doc, triggerIds, errors);
  checkNodes(doc, graph, manifests, errors);
  if (errors.length > 0) return { ok: false, errors };

  const triggerNodeId = triggerIds[0];
  if (triggerNodeId === undefined) return { ok: false, errors };
  const byId = new Map(doc.nodes.map((node) => [node.id as string, node]));
  const nodes: PlanNode[] = [];
  for (const id of topologicalOrder(graph)) {
    const node = byId.get(id);
    const manifest = manifests.get(id);
    if (node && manifest) nodes.push(planNode(node, manifest, graph, options));
  }
  const plan: ExecutionPlan = {
    planFormat: PLAN_FORMAT,
    runtimeVersion: RUNTIME_VERSION,
    expressionEngine: EXPRESSION_ENGINE,
    flowId: options.flowId,
    version: options.version,
    hash: '',
    triggerNodeId,
    nodes,
  };
  return { ok: true, plan };
}

/** Manifests by node id, for nodes whose type and version the catalog has. */
function resolveManifests(
  doc: FlowDocument,
  catalog: CatalogLookup,
  errors: CompileError[],
): Map<string, StepManifest> {
  const manifests = new Map<string, StepManifest>();
  for (const node of doc.nodes) {
    const manifest = catalog.get(node.type);
    if (!manifest) {
      errors.push({
        code: 'unknown_step_type',
        nodeId: node.id,
        field: 'type',
        message: `Node "${node.id}" uses step type "${node.type}", which is not installed`,
      });
    } else if (manifest.version !== node.typeVersion) {
      errors.push({
        code: 'unknown_step_version',
        nodeId: node.id,
        field: 'typeVersion',
        message: `Node "${node.id}" uses version ${node.typeVersion} of "${node.type}", but the catalog has version ${manifest.version}`,
      });
    } else {
      manifests.set(node.id, manifest);
    }
  }
  return manifests;
}

function checkTopology(doc: FlowDocument, triggerIds: string[], errors: CompileError[]): FlowGraph {
  const [firstTrigger, ...extraTriggers] = triggerIds;
  if (firstTrigger === undefined) {
    errors.push({
      code: 'no_trigger',
      message: 'The flow has no trigger: add one (for example a Webhook) to say what starts a run',
    });
  }
  for (const id of extraTriggers) {
    errors.push({
      code: 'multiple_triggers',
      nodeId: id,
      message: `Node "${id}" is a second trigger; a flow has exactly one (the first is "${firstTrigger}")`,
    });
  }

  const nodeIds = new Set<string>(doc.nodes.map((node) => node.id));
  const triggers = new Set(triggerIds);
  const edges: { source: string; target: string }[] = [];
  for (const edge of doc.edges) {
    let dangling = false;
    for (const end of ['source', 'target'] as const) {
      if (nodeIds.has(edge[end])) continue;
      dangling = true;
      errors.push({
        code: 'dangling_edge',
        edgeId: edge.id,
        field: end,
        message: `Connection "${edge.id}" ${end === 'source' ? 'starts at' : 'leads to'} node "${edge[end]}", which does not exist`,
      });
    }
    if (dangling) continue;
    if (triggers.has(edge.target)) {
      errors.push({
        code: 'trigger_has_input',
        nodeId: edge.target,
        edgeId: edge.id,
        field: 'target',
        message: `Trigger "${edge.target}" has an incoming connection from "${edge.source}"; a trigger starts the flow and takes no input`,
      });
    }
    edges.push(edge);
  }

  const graph = buildGraph([...nodeIds], edges);
  for (const cycle of findCycles(graph)) {
    const loop = [...cycle, cycle[0]].map((id) => `"${id}"`).join(' → ');
    for (const id of cycle) {
      errors.push({
        code: 'cycle',
        nodeId: id,
        message: `Node "${id}" is part of a loop (${loop}); remove a connection that leads back`,
      });
    }
  }
  if (triggerIds.length > 0) {
    const reachable = reachableFrom(graph, triggerIds);
    for (const id of nodeIds) {
      if (reachable.has(id)) continue;
      errors.push({
        code: 'unreachable_node',
        nodeId: id,
        message: `Node "${id}" is not connected to the trigger, so it would never run`,
      });
    }
  }
  return graph;
}

function checkNodes(doc: FlowDocument, graph: FlowGraph, manifests: Map<string, StepManifest>, errors: CompileError[]) {
  const allNodeIds = new Set<string>(graph.nodeIds);
  for (const node of doc.nodes) {
    const manifest = manifests.get(node.id);
    if (manifest) {
      const labels: Record<string, string> = {};
      for (const [name, hint] of Object.entries(manifest.ui)) if (hint.label) labels[name] = hint.label;
      for (const issue of validateConfig(node.config, manifest.inputSchema, labels)) {
        errors.push({ code: 'invalid_config', nodeId: node.id, field: issue.field, message: issue.message });
      }
    }
    let ancestors: ReadonlySet<string> | undefined;
    errors.push(
      ...checkExpressions({
        nodeId: node.id,
        config: node.config,
        allNodeIds,
        ancestors: () => {
          ancestors ??= ancestorsOf(graph, node.id);
          return ancestors;
        },
      }),
    );
  }
}

function planNode(node: FlowNode, manifest: StepManifest, graph: FlowGraph, options: CompileOptions): PlanNode {
  return {
    id: node.id,
    type: node.type,
    typeVersion: node.typeVersion,
    title: node.title ?? manifest.title,
    kind: manifest.kind,
    runsIn: manifest.runsIn,
    upstream: [...(graph.predecessors.get(node.id) ?? [])],
    config: fillDefaults(node.config, manifest.inputSchema),
    retry: {
      ...PLATFORM_RETRY,
      ...definedOnly(options.defaults?.retry),
      ...definedOnly(manifest.retry),
      ...definedOnly(node.settings?.retry),
    },
    timeoutMs: node.settings?.timeoutMs ?? manifest.timeoutMs ?? options.defaults?.timeoutMs ?? PLATFORM_TIMEOUT_MS,
    taskQueue: options.defaultTaskQueue,
  };
}

function definedOnly(
  retry: { [K in keyof PlanRetryPolicy]?: number | undefined } | undefined,
): Partial<PlanRetryPolicy> {
  const out: Partial<PlanRetryPolicy> = {};
  if (!retry) return out;
  for (const key of ['maxAttempts', 'initialIntervalMs', 'backoffCoefficient', 'maxIntervalMs'] as const) {
    const value = retry[key];
    if (value !== undefined) out[key] = value;
  }
  return out;
}

interface SchemaIssue {
  path: PropertyKey[];
  message: string;
}

/** Schema issues, located on the node or edge they belong to when the path says so. */
function documentErrors(document: unknown, issues: SchemaIssue[]): CompileError[] {
  return issues.map((issue) => {
    const path = issue.path.map((segment) => (typeof segment === 'symbol' ? segment.toString() : segment));
    const [collection, index, ...rest] = path;
    const owner =
      (collection === 'nodes' || collection === 'edges') && typeof index === 'number'
        ? idAt(document, collection, index)
        : undefined;
    if (owner !== undefined && rest.length > 0) {
      const field = rest.join('.');
      const location = collection === 'nodes' ? { nodeId: owner } : { edgeId: owner };
      const what = collection === 'nodes' ? 'Node' : 'Connection';
      return {
        code: 'invalid_document',
        ...location,
        field,
        message: `${what} "${owner}": ${field}: ${issue.message}`,
      };
    }
    const field = path.join('.');
    return {
      code: 'invalid_document',
      ...(field ? { field } : {}),
      message: field ? `${field}: ${issue.message}` : issue.message,
    };
  });
}

function idAt(document: unknown, collection: 'nodes' | 'edges', index: number): string | undefined {
  if (document === null || typeof document !== 'object' || !(collection in document)) return undefined;
  const list: unknown = Reflect.get(document, collection);
  const item: unknown = Array.isArray(list) ? list[index] : undefined;
  if (item === null || typeof item !== 'object' || !('id' in item)) return undefined;
  return typeof item.id === 'string' ? item.id : undefined;
}
