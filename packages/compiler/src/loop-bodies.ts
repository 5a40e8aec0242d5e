import { controlStepFor } from '@pipewright/control-steps';
import type { FlowDocument } from '@pipewright/flow';
import type { PlanLoopBody } from '@pipewright/run-contract';
import type { StepManifest } from '@pipewright/step-sdk';
import { checkExpressions } from './check-expressions.ts';
import type { CompileOptions } from './compile-options.ts';
import type { CompileError } from './compile-result.ts';
import { checkControlFlow } from './control-flow.ts';
import { checkFlowSteps } from './flow-steps-check.ts';
import { checkBodyTopology, type Scope } from './loop-scopes.ts';
import { checkNodes, type HasRun, type ScopeCheck } from './node-checks.ts';
import { planNodes } from './plan-nodes.ts';

/**
 * Checks the body of every Loop in `scope` (recursively) and compiles each into a `PlanLoopBody`.  Inside a body,
 * expressions may read the body's own upstream nodes and any node certain to have finished when the Loop starts.
 */
export function compileBodies(input: {
  scope: Scope;
  hasRun: () => HasRun;
  outer: ScopeCheck;
  doc: FlowDocument;
  bodies: Map<string, Scope>;
  manifests: Map<string, StepManifest>;
  options: CompileOptions;
}): { bodies: Map<string, PlanLoopBody>; errors: CompileError[] } {
  const { scope, outer, doc, bodies, manifests, options } = input;
  const compiled = new Map<string, PlanLoopBody>();
  const errors: CompileError[] = [];
  for (const loop of scope.nodes) {
    const control = controlStepFor(loop.type, 'loop');
    const body = bodies.get(loop.id);
    if (!control || !body || body.nodes.length === 0) continue;
    const allowed = new Set(outer.outerAllowed);
    for (const other of scope.nodes) if (input.hasRun()(loop.id, other.id) === true) allowed.add(other.id);
    const topology = checkBodyTopology(body);
    const bodyDoc: FlowDocument = { ...doc, nodes: body.nodes, edges: body.edges };
    const bodyScope: ScopeCheck = { allNodeIds: outer.allNodeIds, outerAllowed: allowed };
    const nodeChecks = checkNodes({
      doc: bodyDoc,
      graph: topology.graph,
      edges: body.edges,
      manifests,
      scope: bodyScope,
    });
    const { stopWhen, resultNode } = control.bodySettingsOf(loop.config);
    const readable = new Set([...allowed, ...body.nodes.map((node) => node.id)]);
    const stopWhenErrors =
      stopWhen === undefined
        ? []
        : checkExpressions({
            nodeId: loop.id,
            config: { stopWhen },
            allNodeIds: outer.allNodeIds,
            ancestors: () => readable,
            hasRun: (referenced) => readable.has(referenced) || undefined,
          });
    const inner = compileBodies({ ...input, scope: body, hasRun: nodeChecks.hasRun, outer: bodyScope });
    errors.push(
      ...topology.errors,
      ...checkControlFlow(bodyDoc, body.edges, manifests),
      ...nodeChecks.errors,
      ...checkFlowSteps(body, true, bodies),
      ...stopWhenErrors,
      ...inner.errors,
    );
    const nodes = planNodes({
      scope: body,
      graph: topology.graph,
      manifests,
      options,
      bodies: inner.bodies,
      entry: topology.entry,
    });
    compiled.set(loop.id, {
      nodes,
      entry: topology.entry,
      resultNodeId: resultNode ?? nodes.at(-1)?.id ?? '',
      ...(stopWhen === undefined ? {} : { stopWhen }),
    });
  }
  return { bodies: compiled, errors };
}
