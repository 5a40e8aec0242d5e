import { controlStepFor } from '@pipewright/control-steps';
import { DEFAULT_PORT, type FlowEdge, type FlowNode } from '@pipewright/flow';
import {
  LOOP_ITEM_NODE_ID,
  type PlanLoopBody,
  type PlanNode,
  type PlanRetryPolicy,
  type PlanUndo,
} from '@pipewright/run-contract';
import type { StepManifest } from '@pipewright/step-sdk';
import type { CatalogLookup, CompileOptions } from './compile-options.ts';
import { onErrorOf, portIdsOf } from './control-flow.ts';
import { type FlowGraph, topologicalOrder } from './graph.ts';
import type { Scope } from './loop-scopes.ts';
import { undoManifestOf } from './undo-steps.ts';
import { fillDefaults } from './validate-config.ts';

export const PLATFORM_RETRY: PlanRetryPolicy = {
  maxAttempts: 3,
  initialIntervalMs: 1000,
  backoffCoefficient: 2,
  maxIntervalMs: 60_000,
};
export const PLATFORM_TIMEOUT_MS = 60_000;

/** Plan nodes of one scope in topological order; body entry nodes read the synthetic item node. */
export function planNodes(input: {
  scope: Scope;
  graph: FlowGraph;
  manifests: Map<string, StepManifest>;
  options: CompileOptions;
  /** Compiled loop bodies, by loop node id. */
  bodies: Map<string, PlanLoopBody>;
  /** The scope's entry nodes when it is a loop body (none at the top level). */
  entry: string[];
  /** For nodes' undo steps (top level only: bodies have none). */
  catalog?: CatalogLookup;
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
    const undo = input.catalog && planUndoOf(node, input.catalog, input.options);
    if (undo) planned.undo = undo;
    const body = input.bodies.get(id);
    const loop = controlStepFor(node.type, 'loop');
    if (body && loop) {
      planned.body = body;
      // What the body reads travels with the body (`body.stopWhen`).
      planned.config = loop.nodeConfigOf(planned.config);
    }
    nodes.push(planned);
  }
  return nodes;
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
      ...retryOverrides(options.defaults?.retry),
      ...retryOverrides(manifest.retry),
      ...retryOverrides(node.settings?.retry),
    },
    timeoutMs: node.settings?.timeoutMs ?? manifest.timeoutMs ?? options.defaults?.timeoutMs ?? PLATFORM_TIMEOUT_MS,
    // Steps of a published package run on its own workers' queue: third-party code never runs in the core worker.
    taskQueue: manifest.taskQueue ?? options.defaultTaskQueue,
  };
}

/** The fields of a partial retry policy that are set: each layer (defaults, step, node) overrides the one before. */
export function retryOverrides(
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

/** The node's undo step as the plan carries it (only for documents `checkUndo` accepted). */
export function planUndoOf(node: FlowNode, catalog: CatalogLookup, options: CompileOptions): PlanUndo | undefined {
  const undo = node.settings?.undo;
  const manifest = undo && undoManifestOf(undo, catalog);
  if (!undo || !manifest) return undefined;
  return {
    type: undo.type,
    typeVersion: undo.typeVersion,
    config: fillDefaults(undo.config, manifest.inputSchema),
    retry: {
      ...PLATFORM_RETRY,
      ...retryOverrides(options.defaults?.retry),
      ...retryOverrides(manifest.retry),
      ...retryOverrides(undo.retry),
    },
    timeoutMs: undo.timeoutMs ?? manifest.timeoutMs ?? options.defaults?.timeoutMs ?? PLATFORM_TIMEOUT_MS,
    taskQueue: manifest.taskQueue ?? options.defaultTaskQueue,
  };
}
