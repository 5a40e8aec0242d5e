import { ExpressionLimitError, type ExpressionLimits, evaluateTemplate, isTemplate } from '@pipewright/expression';
import type { ExecutionPlan, NodeError, NodeRunState, PlanInput, PlanNode, RunState } from '@pipewright/run-contract';
import { defineOwn, isReservedKey } from '@pipewright/step-sdk/safe-object';
import { readsBlobRefs } from './blob-reads.ts';
import { type ControlResult, mergeWaitOf, runIf, runMerge, runSwitch } from './control-steps.ts';
import { isStepFailure, type RunEffects } from './effects.ts';
import { FLOW_STEP_TYPES, runFlowStep } from './flow-steps.ts';
import { applyTransform, parseTransformConfig } from './transform.ts';

export interface ExecutePlanInput {
  plan: ExecutionPlan;
  /** The trigger node's output (e.g. the webhook request). */
  trigger: unknown;
  run: {
    id: string;
    workspaceId: string;
    /** Signed resume links of this run's event Waits, by node id (`run.resumeUrls.<nodeId>` in expressions). */
    resumeUrls?: Record<string, string> | undefined;
  };
  /**
   * A loop body's surroundings: the loop's context (`trigger`, `steps`, `run`) plus `item` and `index`.  Body nodes
   * see these, with the body's own outputs added to `steps`.
   */
  scope?: Record<string, unknown> | undefined;
}

/**
 * The state before anything ran: every node `pending`.
 *
 * @example
 * const state = createInitialState(plan, Date.now());
 */
export function createInitialState(plan: ExecutionPlan, startedAt: number): RunState {
  const nodes: Record<string, NodeRunState> = {};
  // The compiler refuses reserved node ids; defineOwn keeps a hand-built plan's `__proto__` id an ordinary entry.
  for (const node of plan.nodes) defineOwn(nodes, node.id, { status: 'pending', attempts: 0 });
  return { status: 'running', flowId: plan.flowId, version: plan.version, startedAt, nodes };
}

/** What a node run produced; the scheduler records it in the state.  `ports`: the output ports it fires. */
type NodeOutcome =
  | { ok: true; output: unknown; attempts: number; ports?: string[]; rateLimitWaitMs?: number }
  | { ok: false; error: NodeError; attempts: number };

type InputState = 'active' | 'inactive' | 'pending';
/** What the scheduler decides for a pending node: start it with these inputs, skip it, or keep waiting. */
type Readiness = { start: PlanInput[] } | 'skip' | 'wait';

const MERGE_TYPE = 'core.merge';
/** Plans compiled before ports existed list only `upstream`: every upstream node's `out` port. */
const inputsOf = (node: PlanNode): PlanInput[] =>
  node.inputs ?? node.upstream.map((id) => ({ nodeId: id, port: 'out' }));

/**
 * Interprets a plan: the trigger succeeds with `input.trigger`; every other node runs once each incoming edge is
 * resolved (its source finished, or was skipped) and at least one is active (its source fired that port).  A node
 * none of whose inputs is active is skipped, which carries down branches not taken.  A Merge may start earlier
 * (`first`, `anyN`).  Independent branches run concurrently, started in plan order.  `state` is mutated in place so
 * a query handler can serve it while the run progresses.  A node failure follows its `onError`: `fail` fails the run
 * (nodes not yet started are skipped, running ones are awaited), `continue` fires `out` with `{ error }` as output,
 * `errorOutput` fires `error` instead.  Step failures never throw; the returned state says what happened.
 *
 * @example
 * const state = createInitialState(plan, effects.now());
 * await executePlan({ plan, trigger: { body: { name: 'Ada' } }, run: { id: 'run-1', workspaceId: 'ws-1' } }, effects, state);
 * state.status; // 'succeeded' | 'failed'
 */
export async function executePlan(input: ExecutePlanInput, effects: RunEffects, state: RunState): Promise<RunState> {
  const { plan } = input;
  const changed = () => effects.onStateChange?.();
  const nodeState = (id: string): NodeRunState => {
    const found = state.nodes[id];
    if (!found) throw new Error(`run state has no entry for node "${id}"`);
    return found;
  };
  const outputs = new Map<string, unknown>();
  /** Ports fired by each finished node, and the order nodes finished in (for Merge `first` / `anyN`). */
  const fired = new Map<string, string[]>();
  const arrival = new Map<string, number>();
  const trigger = plan.nodes.find((node) => node.id === plan.triggerNodeId);
  if (!trigger) throw new Error(`plan has no trigger node "${plan.triggerNodeId}"`);
  const now = effects.now();
  Object.assign(nodeState(trigger.id), {
    status: 'succeeded',
    output: input.trigger,
    attempts: 1,
    startedAt: now,
    endedAt: now,
  });
  outputs.set(trigger.id, input.trigger);
  fired.set(trigger.id, ['out']);
  arrival.set(trigger.id, 0);
  changed();
  const running = new Map<string, Promise<string>>();
  let failed = false;

  const finish = (node: PlanNode, entry: NodeRunState, outcome: NodeOutcome) => {
    entry.attempts = outcome.attempts;
    entry.endedAt = effects.now();
    if (outcome.ok && outcome.rateLimitWaitMs !== undefined) entry.rateLimitWaitMs = outcome.rateLimitWaitMs;
    arrival.set(node.id, arrival.size);
    if (outcome.ok) {
      entry.status = 'succeeded';
      entry.output = outcome.output;
      outputs.set(node.id, outcome.output);
      fired.set(node.id, outcome.ports ?? ['out']);
      return;
    }
    entry.error = outcome.error;
    const onError = node.onError ?? 'fail';
    if (onError !== 'fail') {
      // The error becomes the node's output, on `out` (continue) or on the `error` port.
      const output = { error: outcome.error };
      entry.output = output;
      outputs.set(node.id, output);
      entry.status = onError === 'continue' ? 'succeeded' : 'failed';
      if (onError === 'continue') entry.continuedOnError = true;
      fired.set(node.id, [onError === 'continue' ? 'out' : 'error']);
      return;
    }
    entry.status = 'failed';
    fired.set(node.id, []);
    if (failed) return;
    failed = true;
    state.error = { nodeId: node.id, message: outcome.error.message };
    for (const other of plan.nodes) {
      const otherState = nodeState(other.id);
      if (otherState.status === 'pending') otherState.status = 'skipped';
    }
  };

  const start = (node: PlanNode, active: PlanInput[]) => {
    const entry = nodeState(node.id);
    entry.status = 'running';
    entry.startedAt = effects.now();
    changed();
    const context = buildContext(input, node, outputs, active);
    const task = runNode(
      node,
      context,
      input,
      effects,
      (evaluated) => {
        entry.input = evaluated;
        changed();
      },
      { entry, changed },
    ).then((outcome) => {
      finish(node, entry, outcome);
      changed();
      return node.id;
    });
    running.set(node.id, task);
  };

  const inputState = ({ nodeId, port }: PlanInput): InputState => {
    if (nodeState(nodeId).status === 'skipped') return 'inactive';
    const ports = fired.get(nodeId);
    if (!ports) return 'pending';
    return ports.includes(port) ? 'active' : 'inactive';
  };

  const readiness = (node: PlanNode): Readiness => {
    const inputs = inputsOf(node);
    const states = inputs.map(inputState);
    const active = inputs.filter((_, index) => states[index] === 'active');
    const resolved = !states.includes('pending');
    const byArrival = () => [...active].sort((a, b) => (arrival.get(a.nodeId) ?? 0) - (arrival.get(b.nodeId) ?? 0));
    const { wait, n } = node.type === MERGE_TYPE ? mergeWaitOf(node.config) : { wait: 'all', n: 1 };
    if (wait === 'first' && active.length > 0) return { start: byArrival().slice(0, 1) };
    if (wait === 'anyN' && active.length >= n) return { start: byArrival().slice(0, n) };
    if (!resolved) return 'wait';
    return active.length > 0 ? { start: wait === 'all' ? active : byArrival() } : 'skip';
  };

  for (;;) {
    // Skips cascade down untaken branches: repeat until a pass decides nothing new.
    for (let progressed = !failed; progressed && !failed; ) {
      progressed = false;
      for (const node of plan.nodes) {
        if (nodeState(node.id).status !== 'pending') continue;
        const decision = readiness(node);
        if (decision === 'wait') continue;
        if (decision === 'skip') {
          nodeState(node.id).status = 'skipped';
          progressed = true;
          changed();
        } else start(node, decision.start);
      }
    }
    if (running.size === 0) break;
    const finished = await Promise.race(running.values());
    running.delete(finished);
  }
  // Nodes that could never start (no path from a succeeded node) did not run either.
  for (const node of plan.nodes) {
    const entry = nodeState(node.id);
    if (entry.status === 'pending') entry.status = 'skipped';
  }
  state.status = failed ? 'failed' : 'succeeded';
  state.endedAt = effects.now();
  changed();
  return state;
}

/**
 * The expression context.  `input` is the output of the active incoming node (several → a list, in edge order);
 * for a Merge it is always the list of the outputs it combines.
 */
function buildContext(
  input: ExecutePlanInput,
  node: PlanNode,
  outputs: Map<string, unknown>,
  active: PlanInput[],
): Record<string, unknown> {
  const sources = [...new Set(active.map((entry) => entry.nodeId))];
  const values = sources.map((id) => outputs.get(id) ?? null);
  const nodeInput =
    node.type === MERGE_TYPE ? values : values.length === 1 ? values[0] : values.length === 0 ? null : values;
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

async function runNode(
  node: PlanNode,
  context: Record<string, unknown>,
  input: ExecutePlanInput,
  effects: RunEffects,
  recordInput: (evaluated: unknown) => void,
  flowStep?: { entry: NodeRunState; changed: () => void },
): Promise<NodeOutcome> {
  if (effects.evaluateRemotely && readsBlobRefs(node, context)) {
    if (FLOW_STEP_TYPES.has(node.type)) {
      // Waits, loops and sub-flows drive the workflow itself, so their expressions cannot move to an activity.
      const message = `${describeNode(node)} reads into a large value kept outside the run history (over the inline limit); pass it a smaller part, e.g. a list of ids`;
      return { ok: false, attempts: 1, error: { message } };
    }
    return runRemotely(node, context, input, effects.evaluateRemotely, recordInput);
  }
  let evaluated: unknown;
  try {
    evaluated = await evaluateConfig(node.config, context, 'config');
  } catch (error) {
    // Too much work for the workflow's small budget (each JSONata step is costly in the sandbox): an expression
    // that maps thousands of items is legitimate, so the node is evaluated again in an activity, on plain Node,
    // with the larger OUTSIDE_WORKFLOW_LIMITS.  Deterministic: the budget is counted, so a replay decides the same.
    if (error instanceof ConfigFieldError && error.overBudget && effects.evaluateRemotely) {
      if (!FLOW_STEP_TYPES.has(node.type))
        return runRemotely(node, context, input, effects.evaluateRemotely, recordInput);
    }
    const located = error instanceof ConfigFieldError ? `${error.field}: ${error.message}` : errorMessage(error);
    return { ok: false, attempts: 1, error: { message: `${describeNode(node)}: ${located}` } };
  }
  recordInput(evaluated);

  if (flowStep && FLOW_STEP_TYPES.has(node.type)) {
    const runBody = (body: ExecutePlanInput, bodyEffects: RunEffects) =>
      executePlan(body, bodyEffects, createInitialState(body.plan, bodyEffects.now()));
    const { plan, run } = input;
    return runFlowStep({
      node,
      config: evaluated,
      context,
      run,
      plan,
      effects,
      runBody,
      describe: describeNode(node),
      ...flowStep,
    });
  }
  if (node.runsIn === 'workflow') return runInWorkflow(node, evaluated, context.input);

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

async function runRemotely(
  node: PlanNode,
  context: Record<string, unknown>,
  input: ExecutePlanInput,
  evaluateRemotely: NonNullable<RunEffects['evaluateRemotely']>,
  recordInput: (evaluated: unknown) => void,
): Promise<NodeOutcome> {
  try {
    const result = await evaluateRemotely({ node, context, idempotencyKey: `${input.run.id}/${node.id}` });
    if (result.input !== undefined) recordInput(result.input);
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

function failureOutcome(error: unknown): NodeOutcome {
  if (isStepFailure(error)) {
    return {
      ok: false,
      attempts: error.attempts,
      error:
        error.details === undefined ? { message: error.message } : { message: error.message, details: error.details },
    };
  }
  return { ok: false, attempts: 1, error: { message: String(error) } };
}

/**
 * Evaluates a node the way the workflow would, for an activity that has loaded the blob references in `context`:
 * the config's expressions, then — for workflow-kind steps — the step itself.  Action steps get `{ config }` back
 * and run in the activity.
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
    const located = error instanceof ConfigFieldError ? `${error.field}: ${error.message}` : errorMessage(error);
    return { ok: false, message: `${describeNode(node)}: ${located}` };
  }
  if (node.runsIn !== 'workflow') return { ok: true, config };
  const outcome = runInWorkflow(node, config, context.input);
  if (!outcome.ok) return { ok: false, message: outcome.error.message };
  return { ok: true, config, outcome: { output: outcome.output, ...(outcome.ports ? { ports: outcome.ports } : {}) } };
}

function runInWorkflow(node: PlanNode, config: unknown, upstreamOutput: unknown): NodeOutcome {
  const control = CONTROL_STEPS[node.type];
  if (control) {
    try {
      const result = control(config, upstreamOutput);
      return { ok: true, attempts: 1, output: result.output, ports: result.ports };
    } catch (error) {
      return { ok: false, attempts: 1, error: { message: `${describeNode(node)}: ${errorMessage(error)}` } };
    }
  }
  if (node.type !== 'core.transform') {
    return {
      ok: false,
      attempts: 1,
      error: {
        message: `${describeNode(node)}: step type "${node.type}" v${node.typeVersion} cannot run inside the workflow`,
      },
    };
  }
  try {
    return { ok: true, attempts: 1, output: applyTransform(parseTransformConfig(config), upstreamOutput) };
  } catch (error) {
    return { ok: false, attempts: 1, error: { message: `${describeNode(node)}: ${errorMessage(error)}` } };
  }
}

const CONTROL_STEPS: Record<string, (config: unknown, input: unknown) => ControlResult> = {
  'core.if': runIf,
  'core.switch': runSwitch,
  'core.merge': (config, input) => runMerge(config, Array.isArray(input) ? input : [input]),
};

/**
 * The expression budget of a node evaluated in an activity (on plain Node, where a JSONata step costs microseconds,
 * not the workflow sandbox's fraction of a millisecond): a few seconds of work at most, still bounded.
 */
export const OUTSIDE_WORKFLOW_LIMITS: Readonly<ExpressionLimits> = Object.freeze({ maxSteps: 200_000, maxDepth: 500 });

class ConfigFieldError extends Error {
  readonly field: string;
  /** The expression ran out of evaluation steps (not depth): more work than the budget, maybe legitimately. */
  readonly overBudget: boolean;
  constructor(field: string, message: string, overBudget = false) {
    super(message);
    this.name = 'ConfigFieldError';
    this.field = field;
    this.overBudget = overBudget;
  }
}

/** Like `evaluateDeep`, but an error names the field path (`config.fields.0.value`) where it happened. */
async function evaluateConfig(
  value: unknown,
  context: Record<string, unknown>,
  path: string,
  limits?: ExpressionLimits,
): Promise<unknown> {
  if (typeof value === 'string') {
    if (!isTemplate(value)) return value;
    try {
      return await evaluateTemplate(value, context, limits);
    } catch (error) {
      const overBudget = error instanceof ExpressionLimitError && error.limit === 'steps';
      throw new ConfigFieldError(path, errorMessage(error), overBudget);
    }
  }
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const [index, item] of value.entries()) {
      out.push(await evaluateConfig(item, context, `${path}.${index}`, limits));
    }
    return out;
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      // The compiler refuses these keys; a plan that did not come from it is refused here.
      if (isReservedKey(key)) {
        throw new ConfigFieldError(`${path}.${key}`, 'this key is reserved (it names the object prototype, not data)');
      }
      defineOwn(out, key, await evaluateConfig(item, context, `${path}.${key}`, limits));
    }
    return out;
  }
  return value;
}

const describeNode = (node: PlanNode): string =>
  node.title && node.title !== node.id ? `node "${node.title}" (${node.id})` : `node "${node.id}"`;

function errorMessage(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'message' in error && typeof error.message === 'string') {
    return error.message;
  }
  return String(error);
}
