import type { NodeRunState, PlanNode } from '@pipewright/run-contract';
import { readsBlobRefs } from './blob-reads.ts';
import { describeNode } from './describe-node.ts';
import type { RunEffects } from './effects.ts';
import { ConfigFieldError, evaluateConfig, locatedMessage } from './evaluate-config.ts';
import type { ExecutePlanInput } from './execute-plan-input.ts';
import { flowStepOf, runFlowStep } from './flow-steps.ts';
import { runInlineStep } from './inline-steps.ts';
import type { RunBody } from './loop.ts';
import { failureOutcome, type NodeOutcome } from './node-outcome.ts';

/** One node to run, with what it reads and where it reports. */
export interface NodeRun {
  node: PlanNode;
  /** The node's expression context (`buildContext`). */
  context: Record<string, unknown>;
  input: ExecutePlanInput;
  effects: RunEffects;
  /** The node's run-state entry: a Wait shows `waiting` on it, a Loop its progress. */
  entry: NodeRunState;
  changed: () => void;
  /** Records the evaluated config as the node's input (the run view shows it). */
  recordInput: (evaluated: unknown) => void;
  /** Runs a loop body's iteration as a plan of its own: the scheduler, passed in. */
  runBody: RunBody;
}

/**
 * Runs one node, by what it is: a node whose expressions read into a large value goes to an activity whole
 * (`effects.evaluateRemotely`); otherwise its config is evaluated here, then a Wait, Loop or Sub-flow drives the
 * workflow through the effects port, an If, Switch, Merge or Transform is evaluated in place, and any other step
 * runs as an activity (`effects.executeStep`).  Failures are returned, never thrown.
 */
export async function runNode(run: NodeRun): Promise<NodeOutcome> {
  const { node, context, input, effects } = run;
  const flowStep = flowStepOf(node.type);
  // A loop runs its body (whose steps are answered one by one); an inline step is pure and runs as it is.
  const answerable = node.runsIn !== 'workflow' && flowStep?.kind !== 'loop';
  if (effects.evaluateRemotely && readsBlobRefs(node, context)) {
    const recorded = answerable ? effects.recordedOutcome?.(node, input.run.id) : undefined;
    if (recorded) return recorded;
    if (flowStep) {
      // Waits, loops and sub-flows drive the workflow itself, so their expressions cannot move to an activity.
      const message = `${describeNode(node)} reads into a large value kept outside the run history (over the inline limit); pass it a smaller part, e.g. a list of ids`;
      return { ok: false, attempts: 1, error: { message } };
    }
    return runRemotely(run, effects.evaluateRemotely);
  }
  let evaluated: unknown;
  try {
    evaluated = await evaluateConfig(node.config, context, 'config');
  } catch (error) {
    // Too much work for the workflow's small budget (each JSONata step is costly in the sandbox): an expression
    // that maps thousands of items is legitimate, so the node is evaluated again in an activity, on plain Node,
    // with the larger OUTSIDE_WORKFLOW_LIMITS.  Deterministic: the budget is counted, so a replay decides the same.
    if (error instanceof ConfigFieldError && error.overBudget && effects.evaluateRemotely && !flowStep) {
      return runRemotely(run, effects.evaluateRemotely);
    }
    return { ok: false, attempts: 1, error: { message: `${describeNode(node)}: ${locatedMessage(error)}` } };
  }
  run.recordInput(evaluated);
  const recorded = answerable ? effects.recordedOutcome?.(node, input.run.id) : undefined;
  if (recorded) return recorded;

  if (flowStep) {
    const { plan } = input;
    return runFlowStep({
      control: flowStep,
      node,
      config: evaluated,
      context,
      run: input.run,
      plan,
      effects,
      entry: run.entry,
      changed: run.changed,
      runBody: run.runBody,
      describe: describeNode(node),
    });
  }
  if (node.runsIn === 'workflow') return runInlineStep(node, evaluated, context.input);

  try {
    const result = await effects.executeStep({
      nodeId: node.id,
      type: node.type,
      typeVersion: node.typeVersion,
      input: evaluated,
      retry: node.retry,
      timeoutMs: node.timeoutMs,
      taskQueue: node.taskQueue,
      idempotencyKey: `${input.run.id}/${node.id}`,
    });
    return {
      ok: true,
      output: result.output,
      attempts: result.attempts,
      ...(result.rateLimitWaitMs === undefined ? {} : { rateLimitWaitMs: result.rateLimitWaitMs }),
    };
  } catch (error) {
    return failureOutcome(error);
  }
}

/** The whole node — expressions and step — evaluated in an activity, where large values may be loaded. */
async function runRemotely(
  run: NodeRun,
  evaluateRemotely: NonNullable<RunEffects['evaluateRemotely']>,
): Promise<NodeOutcome> {
  const { node, context, input } = run;
  try {
    const result = await evaluateRemotely({ node, context, idempotencyKey: `${input.run.id}/${node.id}` });
    if (result.input !== undefined) run.recordInput(result.input);
    return {
      ok: true,
      output: result.output,
      attempts: result.attempts,
      ...(result.ports ? { ports: result.ports } : {}),
      ...(result.rateLimitWaitMs === undefined ? {} : { rateLimitWaitMs: result.rateLimitWaitMs }),
    };
  } catch (error) {
    return failureOutcome(error);
  }
}
