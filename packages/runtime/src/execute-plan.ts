import type { ExecutionPlan, PlanNode } from '@pipewright/compiler';
import { evaluateTemplate, isTemplate } from '@pipewright/expression';
import { isStepFailure, type RunEffects } from './effects.ts';
import type { NodeError, NodeRunState, RunState } from './run-state.ts';
import { applyTransform, parseTransformConfig } from './transform.ts';

export interface ExecutePlanInput {
  plan: ExecutionPlan;
  /** The trigger node's output (e.g. the webhook request). */
  trigger: unknown;
  run: { id: string; workspaceId: string };
}

/**
 * The state before anything ran: every node `pending`.
 *
 * @example
 * const state = createInitialState(plan, Date.now());
 */
export function createInitialState(plan: ExecutionPlan, startedAt: number): RunState {
  const nodes: Record<string, NodeRunState> = {};
  for (const node of plan.nodes) nodes[node.id] = { status: 'pending', attempts: 0 };
  return { status: 'running', flowId: plan.flowId, version: plan.version, startedAt, nodes };
}

/** What a node run produced; the scheduler records it in the state. */
type NodeOutcome = { ok: true; output: unknown; attempts: number } | { ok: false; error: NodeError; attempts: number };

/**
 * Interprets a plan: the trigger succeeds with `input.trigger`, then each node starts as soon as all its upstream
 * nodes have succeeded (independent branches run concurrently, started in plan order).  `state` is mutated in place
 * so a query handler can serve it while the run progresses.  A failed node fails the run: nodes not yet started are
 * skipped, running ones are awaited.  Step failures never throw; the returned state says what happened.
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
  changed();

  const running = new Map<string, Promise<string>>();
  let failed = false;

  const start = (node: PlanNode) => {
    const entry = nodeState(node.id);
    entry.status = 'running';
    entry.startedAt = effects.now();
    changed();
    const context = buildContext(input, node, outputs);
    const task = runNode(node, context, input, effects, (evaluated) => {
      entry.input = evaluated;
      changed();
    }).then((outcome) => {
      entry.attempts = outcome.attempts;
      entry.endedAt = effects.now();
      if (outcome.ok) {
        entry.status = 'succeeded';
        entry.output = outcome.output;
        outputs.set(node.id, outcome.output);
      } else {
        entry.status = 'failed';
        entry.error = outcome.error;
        if (!failed) {
          failed = true;
          state.error = { nodeId: node.id, message: outcome.error.message };
          for (const other of plan.nodes) {
            const otherState = nodeState(other.id);
            if (otherState.status === 'pending') otherState.status = 'skipped';
          }
        }
      }
      changed();
      return node.id;
    });
    running.set(node.id, task);
  };

  for (;;) {
    if (!failed) {
      for (const node of plan.nodes) {
        if (nodeState(node.id).status !== 'pending') continue;
        if (node.upstream.every((id) => nodeState(id).status === 'succeeded')) start(node);
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

function buildContext(input: ExecutePlanInput, node: PlanNode, outputs: Map<string, unknown>): Record<string, unknown> {
  const upstreamOutputs = node.upstream.map((id) => outputs.get(id) ?? null);
  return {
    trigger: input.trigger,
    steps: Object.fromEntries(outputs),
    input: upstreamOutputs.length === 1 ? upstreamOutputs[0] : upstreamOutputs.length === 0 ? null : upstreamOutputs,
    run: { id: input.run.id, flowId: input.plan.flowId, version: input.plan.version },
  };
}

async function runNode(
  node: PlanNode,
  context: Record<string, unknown>,
  input: ExecutePlanInput,
  effects: RunEffects,
  recordInput: (evaluated: unknown) => void,
): Promise<NodeOutcome> {
  let evaluated: unknown;
  try {
    evaluated = await evaluateConfig(node.config, context, 'config');
  } catch (error) {
    const located = error instanceof ConfigFieldError ? `${error.field}: ${error.message}` : errorMessage(error);
    return { ok: false, attempts: 1, error: { message: `${describeNode(node)}: ${located}` } };
  }
  recordInput(evaluated);

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
    return { ok: true, output: result.output, attempts: result.attempts };
  } catch (error) {
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
}

function runInWorkflow(node: PlanNode, config: unknown, upstreamOutput: unknown): NodeOutcome {
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

class ConfigFieldError extends Error {
  readonly field: string;
  constructor(field: string, message: string) {
    super(message);
    this.name = 'ConfigFieldError';
    this.field = field;
  }
}

/** Like `evaluateDeep`, but an error names the field path (`config.fields.0.value`) where it happened. */
async function evaluateConfig(value: unknown, context: Record<string, unknown>, path: string): Promise<unknown> {
  if (typeof value === 'string') {
    if (!isTemplate(value)) return value;
    try {
      return await evaluateTemplate(value, context);
    } catch (error) {
      throw new ConfigFieldError(path, errorMessage(error));
    }
  }
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const [index, item] of value.entries()) out.push(await evaluateConfig(item, context, `${path}.${index}`));
    return out;
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = await evaluateConfig(item, context, `${path}.${key}`);
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
