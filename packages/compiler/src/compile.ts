import { EXPRESSION_ENGINE } from '@pipewright/expression';
import { DEFAULT_PORT, type FlowDocument, type FlowEdge, type FlowNode, flowDocumentSchema } from '@pipewright/flow';
import {
  type ExecutionPlan,
  LOOP_ITEM_NODE_ID,
  PLAN_FORMAT,
  type PlanLoopBody,
  type PlanNode,
  type PlanRetryPolicy,
  RUNTIME_VERSION,
} from '@pipewright/run-contract';
import type { StepManifest } from '@pipewright/step-sdk';
import { checkExpressions } from './check-expressions.ts';
import type { CompileError, CompileResult } from './compile-result.ts';
import { checkControlFlow, createRunGuarantees, onErrorOf, portIdsOf } from './control-flow.ts';
import { checkFlowSteps } from './flow-steps-check.ts';
import { ancestorsOf, buildGraph, type FlowGraph, findCycles, reachableFrom, topologicalOrder } from './graph.ts';
import { checkBodyTopology, LOOP_TYPE, type Scope, splitScopes } from './loop-scopes.ts';
import { checkReservedKeys } from './reserved-keys-check.ts';
import { runTimeoutOf } from './run-timeout.ts';
import { fillDefaults, validateConfig } from './validate-config.ts';

/**
 * The step catalog as the compiler sees it.  `get(type)` is the current version; `get(type, version)` may answer an
 * older version a node is pinned to (published step packages keep them), or the current one.
 */
export interface CatalogLookup {
  get(type: string, version?: number): StepManifest | undefined;
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
  const { top, bodies } = splitScopes(doc, manifests, errors);
  const topDoc: FlowDocument = { ...doc, nodes: top.nodes, edges: top.edges };
  const triggerIds = top.nodes
    .filter((node) => catalog.get(node.type)?.kind === 'trigger')
    .map((node) => node.id as string);
  const { graph, edges } = checkTopology(topDoc, triggerIds, errors);
  checkControlFlow(topDoc, edges, manifests, errors);
  const scope: ScopeCheck = { allNodeIds: new Set<string>(doc.nodes.map((node) => node.id)), outerAllowed: new Set() };
  const hasRun = checkNodes(topDoc, graph, edges, manifests, errors, scope);
  checkFlowSteps(top, false, bodies, errors);
  const compiled = compileBodies({ scope: top, hasRun, outer: scope, doc, bodies, manifests, errors, options });
  if (errors.length > 0) return { ok: false, errors };

  const triggerNodeId = triggerIds[0];
  if (triggerNodeId === undefined) return { ok: false, errors };
  const nodes = planNodes({ scope: top, graph, manifests, options, bodies: compiled, entry: [] });
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
  const runTimeoutMs = runTimeoutOf(doc);
  if (runTimeoutMs !== undefined) plan.runTimeoutMs = runTimeoutMs;
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
    const manifest = catalog.get(node.type, node.typeVersion);
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

function checkTopology(
  doc: FlowDocument,
  triggerIds: string[],
  errors: CompileError[],
): { graph: FlowGraph; edges: FlowEdge[] } {
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
  const edges: FlowEdge[] = [];
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
  return { graph, edges };
}

/** What a scope's expressions may read besides their own scope: every node id, and outer nodes certain to have run. */
interface ScopeCheck {
  allNodeIds: ReadonlySet<string>;
  outerAllowed: ReadonlySet<string>;
}

type HasRun = (nodeId: string, referenced: string) => boolean | undefined;

/** Config against the step's schema, and every expression's syntax and references.  Returns the run guarantees. */
function checkNodes(
  doc: FlowDocument,
  graph: FlowGraph,
  edges: FlowEdge[],
  manifests: Map<string, StepManifest>,
  errors: CompileError[],
  scope: ScopeCheck,
): () => HasRun {
  const nodes = new Map(doc.nodes.map((node) => [node.id as string, node]));
  let hasRun: HasRun | undefined;
  const guarantees = () => {
    hasRun ??= createRunGuarantees({ order: topologicalOrder(graph), nodes, edges, manifests });
    return hasRun;
  };
  for (const node of doc.nodes) {
    errors.push(...checkReservedKeys(node));
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
        // A loop's stopWhen is read inside its body (checked with the body).
        config: node.type === LOOP_TYPE ? withoutKey(node.config, 'stopWhen') : node.config,
        allNodeIds: scope.allNodeIds,
        ancestors: () => {
          ancestors ??= new Set([...ancestorsOf(graph, node.id), ...scope.outerAllowed]);
          return ancestors;
        },
        hasRun: (referenced) => scope.outerAllowed.has(referenced) || guarantees()(node.id, referenced),
      }),
    );
  }
  return guarantees;
}

/**
 * Checks the body of every Loop in `scope` (recursively) and compiles each into a `PlanLoopBody`.  Inside a body,
 * expressions may read the body's own upstream nodes and any node certain to have finished when the Loop starts.
 */
function compileBodies(input: {
  scope: Scope;
  hasRun: () => HasRun;
  outer: ScopeCheck;
  doc: FlowDocument;
  bodies: Map<string, Scope>;
  manifests: Map<string, StepManifest>;
  errors: CompileError[];
  options: CompileOptions;
}): Map<string, PlanLoopBody> {
  const { scope, outer, doc, bodies, manifests, errors, options } = input;
  const compiled = new Map<string, PlanLoopBody>();
  for (const loop of scope.nodes) {
    const body = bodies.get(loop.id);
    if (loop.type !== LOOP_TYPE || !body || body.nodes.length === 0) continue;
    const allowed = new Set(outer.outerAllowed);
    for (const other of scope.nodes) if (input.hasRun()(loop.id, other.id) === true) allowed.add(other.id);
    const { graph: bodyGraph, entry } = checkBodyTopology(body, errors);
    const bodyDoc: FlowDocument = { ...doc, nodes: body.nodes, edges: body.edges };
    checkControlFlow(bodyDoc, body.edges, manifests, errors);
    const bodyScope: ScopeCheck = { allNodeIds: outer.allNodeIds, outerAllowed: allowed };
    const bodyHasRun = checkNodes(bodyDoc, bodyGraph, body.edges, manifests, errors, bodyScope);
    checkFlowSteps(body, true, bodies, errors);
    const stopWhen = loop.config.stopWhen;
    if (typeof stopWhen === 'string') {
      const readable = new Set([...allowed, ...body.nodes.map((node) => node.id)]);
      errors.push(
        ...checkExpressions({
          nodeId: loop.id,
          config: { stopWhen },
          allNodeIds: outer.allNodeIds,
          ancestors: () => readable,
          hasRun: (referenced) => readable.has(referenced) || undefined,
        }),
      );
    }
    const inner = compileBodies({ ...input, scope: body, hasRun: bodyHasRun, outer: bodyScope });
    const nodes = planNodes({ scope: body, graph: bodyGraph, manifests, options, bodies: inner, entry });
    const resultNode = loop.config.resultNode;
    compiled.set(loop.id, {
      nodes,
      entry,
      resultNodeId: typeof resultNode === 'string' ? resultNode : (nodes.at(-1)?.id ?? ''),
      ...(typeof stopWhen === 'string' ? { stopWhen } : {}),
    });
  }
  return compiled;
}

/** Plan nodes of one scope in topological order; body entry nodes read the synthetic item node. */
function planNodes(input: {
  scope: Scope;
  graph: FlowGraph;
  manifests: Map<string, StepManifest>;
  options: CompileOptions;
  bodies: Map<string, PlanLoopBody>;
  entry: string[];
}): PlanNode[] {
  const byId = new Map(input.scope.nodes.map((node) => [node.id as string, node]));
  const nodes: PlanNode[] = [];
  for (const id of topologicalOrder(input.graph)) {
    const node = byId.get(id);
    const manifest = input.manifests.get(id);
    if (!node || !manifest) continue;
    const planned = planNode({ node, manifest, graph: input.graph, edges: input.scope.edges, options: input.options });
    if (input.entry.includes(id)) {
      planned.upstream = [LOOP_ITEM_NODE_ID];
      planned.inputs = [{ nodeId: LOOP_ITEM_NODE_ID, port: DEFAULT_PORT }];
    }
    const body = input.bodies.get(id);
    if (body) {
      planned.body = body;
      planned.config = withoutKey(planned.config, 'stopWhen');
    }
    nodes.push(planned);
  }
  return nodes;
}

function withoutKey(config: Record<string, unknown>, key: string): Record<string, unknown> {
  const { [key]: _dropped, ...rest } = config;
  return rest;
}

function planNode(input: {
  node: FlowNode;
  manifest: StepManifest;
  graph: FlowGraph;
  edges: FlowEdge[];
  options: CompileOptions;
}): PlanNode {
  const { node, manifest, graph, edges, options } = input;
  return {
    id: node.id,
    type: node.type,
    typeVersion: node.typeVersion,
    title: node.title ?? manifest.title,
    kind: manifest.kind,
    runsIn: manifest.runsIn,
    upstream: [...(graph.predecessors.get(node.id) ?? [])],
    inputs: edges
      .filter((edge) => edge.target === node.id)
      .map((edge) => ({ nodeId: edge.source, port: edge.sourcePort })),
    outputs: portIdsOf(node, manifest),
    onError: onErrorOf(node),
    config: fillDefaults(node.config, manifest.inputSchema),
    retry: {
      ...PLATFORM_RETRY,
      ...definedOnly(options.defaults?.retry),
      ...definedOnly(manifest.retry),
      ...definedOnly(node.settings?.retry),
    },
    timeoutMs: node.settings?.timeoutMs ?? manifest.timeoutMs ?? options.defaults?.timeoutMs ?? PLATFORM_TIMEOUT_MS,
    // Steps of a published package run on its own workers' queue: third-party code never runs in the core worker.
    taskQueue: manifest.taskQueue ?? options.defaultTaskQueue,
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
