import { controlStepFor } from '@pipewright/control-steps';
import type { PlanInput, PlanNode } from '@pipewright/run-contract';
import type { ExecutePlanInput } from './execute-plan-input.ts';

/**
 * The expression context a node's config is evaluated against: `{ trigger, steps, input, run }`, or in a loop body
 * the loop's context plus `item` and `index`, with the body's own outputs added to `steps`.  `input` is the output of
 * the active incoming node (several → a list, in edge order); for a Merge it is always the list of the outputs it
 * combines.
 */
export function buildContext(at: {
  input: ExecutePlanInput;
  node: PlanNode;
  /** Outputs of the nodes finished so far in this plan, by node id. */
  outputs: Map<string, unknown>;
  /** The node's active inputs: the ones whose source fired the connected port. */
  active: PlanInput[];
}): Record<string, unknown> {
  const { input, node, outputs, active } = at;
  const sources = [...new Set(active.map((entry) => entry.nodeId))];
  const values = sources.map((id) => outputs.get(id) ?? null);
  const nodeInput =
    controlStepFor(node.type)?.kind === 'merge'
      ? values
      : values.length === 1
        ? values[0]
        : values.length === 0
          ? null
          : values;
  const { scope } = input;
  if (scope) {
    const outerSteps = typeof scope.steps === 'object' && scope.steps !== null ? scope.steps : {};
    return { ...scope, steps: { ...outerSteps, ...Object.fromEntries(outputs) }, input: nodeInput };
  }
  const { resumeUrls } = input.run;
  return {
    trigger: input.trigger,
    steps: Object.fromEntries(outputs),
    input: nodeInput,
    run: {
      id: input.run.id,
      flowId: input.plan.flowId,
      version: input.plan.version,
      ...(resumeUrls === undefined ? {} : { resumeUrls }),
    },
  };
}
