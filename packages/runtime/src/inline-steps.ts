import {
  type ControlStep,
  controlStepFor,
  type InlineControlStep,
  type MergeControlStep,
} from '@pipewright/control-steps';
import type { ExpressionLimits } from '@pipewright/expression';
import type { PlanNode } from '@pipewright/run-contract';
import { describeNode, errorMessage } from './describe-node.ts';
import { evaluateConfig, locatedMessage, OUTSIDE_WORKFLOW_LIMITS } from './evaluate-config.ts';
import type { NodeOutcome } from './node-outcome.ts';

/** The control steps evaluated in one go from their config and input (If, Switch, Merge, Transform). */
const isInline = (step: ControlStep | undefined): step is InlineControlStep | MergeControlStep =>
  step?.kind === 'inline' || step?.kind === 'merge';

/**
 * Runs a workflow-kind node whose config has been evaluated: its control step makes the output and picks the ports.
 * Any other step type cannot run here (a plan from a catalog with workflow-kind steps this runtime does not know).
 */
export function runInlineStep(node: PlanNode, config: unknown, input: unknown): NodeOutcome {
  const step = controlStepFor(node.type);
  if (!isInline(step)) {
    return {
      ok: false,
      attempts: 1,
      error: {
        message: `${describeNode(node)}: step type "${node.type}" v${node.typeVersion} cannot run inside the workflow`,
      },
    };
  }
  try {
    const { output, ports } = step.evaluate(config, input);
    return { ok: true, attempts: 1, output, ...(ports ? { ports } : {}) };
  } catch (error) {
    return { ok: false, attempts: 1, error: { message: `${describeNode(node)}: ${errorMessage(error)}` } };
  }
}

/**
 * Evaluates a node the way the workflow would, for an activity that has loaded the blob references in `context`:
 * the config's expressions, then — for workflow-kind steps — the step itself.  Action steps get `{ config }` back
 * and run in the activity.
 *
 * @example
 * const evaluated = await evaluateNodeOutside(node, context);
 * if (evaluated.ok && evaluated.outcome) return evaluated.outcome; // { output, ports? }
 */
export async function evaluateNodeOutside(
  node: PlanNode,
  context: Record<string, unknown>,
  limits: ExpressionLimits = OUTSIDE_WORKFLOW_LIMITS,
): Promise<
  { ok: true; config: unknown; outcome?: { output: unknown; ports?: string[] } } | { ok: false; message: string }
> {
  let config: unknown;
  try {
    config = await evaluateConfig(node.config, context, 'config', limits);
  } catch (error) {
    return { ok: false, message: `${describeNode(node)}: ${locatedMessage(error)}` };
  }
  if (node.runsIn !== 'workflow') return { ok: true, config };
  const outcome = runInlineStep(node, config, context.input);
  if (!outcome.ok) return { ok: false, message: outcome.error.message };
  return { ok: true, config, outcome: { output: outcome.output, ...(outcome.ports ? { ports: outcome.ports } : {}) } };
}
