import { EXPRESSION_ENGINE } from '@pipewright/expression';
import { type FlowDocument, flowDocumentSchema } from '@pipewright/flow';
import { type ExecutionPlan, PLAN_FORMAT, RUNTIME_VERSION } from '@pipewright/run-contract';

export type { CatalogLookup, CompileOptions } from './compile-options.ts';

import { businessKeyOf } from './business-key.ts';
import type { CatalogLookup, CompileOptions } from './compile-options.ts';
import type { CompileResult } from './compile-result.ts';
import { checkControlFlow } from './control-flow.ts';
import { documentErrors } from './document-errors.ts';
import { maxConcurrentRunsOf } from './flow-concurrency.ts';
import { checkFlowSteps } from './flow-steps-check.ts';
import { compileBodies } from './loop-bodies.ts';
import { splitScopes } from './loop-scopes.ts';
import { checkNodes, type ScopeCheck } from './node-checks.ts';
import { planNodes } from './plan-nodes.ts';
import { resolveManifests } from './resolve-manifests.ts';
import { runTimeoutOf } from './run-timeout.ts';
import { searchableFieldsOf } from './searchable-fields.ts';
import { checkTopology } from './topology-check.ts';
import { undoInLoopBodies } from './undo-steps.ts';

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

  const resolved = resolveManifests(doc, catalog);
  const { manifests } = resolved;
  const scopes = splitScopes(doc, manifests);
  const { top, bodies } = scopes;
  const topDoc: FlowDocument = { ...doc, nodes: top.nodes, edges: top.edges };
  const triggerIds = top.nodes
    .filter((node) => catalog.get(node.type)?.kind === 'trigger')
    .map((node) => node.id as string);
  const topology = checkTopology(topDoc, triggerIds);
  const { graph, edges } = topology;
  const outer: ScopeCheck = { allNodeIds: new Set<string>(doc.nodes.map((node) => node.id)), outerAllowed: new Set() };
  const nodeChecks = checkNodes({ doc: topDoc, graph, edges, manifests, scope: outer, catalog });
  const compiled = compileBodies({ scope: top, hasRun: nodeChecks.hasRun, outer, doc, bodies, manifests, options });
  const searchable = searchableFieldsOf(doc);
  const businessKey = businessKeyOf(doc);
  const concurrency = maxConcurrentRunsOf(doc);
  const errors = [
    ...resolved.errors,
    ...scopes.errors,
    ...topology.errors,
    ...checkControlFlow(topDoc, edges, manifests),
    ...nodeChecks.errors,
    ...checkFlowSteps(top, false, bodies),
    ...compiled.errors,
    ...searchable.errors,
    ...businessKey.errors,
    ...concurrency.errors,
    ...undoInLoopBodies(doc.nodes),
  ];
  if (errors.length > 0) return { ok: false, errors };

  const triggerNodeId = triggerIds[0];
  if (triggerNodeId === undefined) return { ok: false, errors };
  const nodes = planNodes({ scope: top, graph, manifests, options, bodies: compiled.bodies, entry: [], catalog });
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
  if (searchable.fields.length > 0) plan.searchable = searchable.fields;
  if (businessKey.key) plan.businessKey = businessKey.key;
  if (concurrency.limit !== undefined) plan.maxConcurrentRuns = concurrency.limit;
  if (doc.settings?.lane === 'batch') plan.batch = true;
  if (doc.settings?.maxWaitingRuns !== undefined) plan.maxWaitingRuns = doc.settings.maxWaitingRuns;
  return { ok: true, plan };
}
