import { controlStepFor } from '@pipewright/control-steps';
import type { CompileError } from './compile-result.ts';
import { locatedOn } from './control-flow.ts';
import type { Scope } from './loop-scopes.ts';

/**
 * Config rules of control steps that their input schemas cannot say (they depend on other fields, on connections
 * or on where the node sits), e.g. an event Wait needs a timeout and cannot be in a loop body, a Loop's
 * `resultNode` is one of its body nodes.  Each control step states its own (`checkConfig`).
 */
export function checkFlowSteps(scope: Scope, inBody: boolean, bodies: Map<string, Scope>): CompileError[] {
  const errors: CompileError[] = [];
  for (const node of scope.nodes) {
    const control = controlStepFor(node.type);
    if (!control?.checkConfig) continue;
    const connectedPorts = new Set(
      scope.edges.filter((edge) => edge.source === node.id).map((edge) => edge.sourcePort),
    );
    const bodyNodeIds = (bodies.get(node.id)?.nodes ?? []).map((inner) => inner.id);
    const problems = control.checkConfig(node.config, {
      nodeId: node.id,
      connectedPorts,
      inLoopBody: inBody,
      bodyNodeIds,
    });
    errors.push(...problems.map(locatedOn(node.id)));
  }
  return errors;
}
