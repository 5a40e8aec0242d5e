import type { ExecutionPlan, NodeError, NodeRunState, PlanNode, RunState } from '@pipewright/run-contract';
import type { RunEffects } from './effects.ts';
import {
  chunkSizeOf,
  isTransformOnly,
  type RunBody,
  runInChunks,
  runLoopIterations,
  TRANSFORM_ACTIVITY_CHUNK,
} from './loop.ts';
import { isRecord } from './transform.ts';

/** Built-in steps that need time, events or other runs: evaluated here, through the effects port. */
export const FLOW_STEP_TYPES: ReadonlySet<string> = new Set(['core.wait', 'core.loop', 'core.subflow']);

export type FlowStepOutcome =
  | { ok: true; output: unknown; attempts: number; ports?: string[] }
  | { ok: false; error: NodeError; attempts: number };

export interface FlowStepRun {
  node: PlanNode;
  /** The node's config, evaluated against the run context. */
  config: unknown;
  /** The node's expression context (what a loop body reads from outside). */
  context: Record<string, unknown>;
  run: { id: string; workspaceId: string };
  plan: ExecutionPlan;
  effects: RunEffects;
  /** The node's run-state entry: a Wait shows `waiting`, a Loop its progress. */
  entry: NodeRunState;
  changed: () => void;
  runBody: RunBody;
  describe: string;
}

/**
 * Runs a Wait, Loop or Sub-flow node.  Failures are returned, never thrown.
 *
 * @example
 * if (FLOW_STEP_TYPES.has(node.type)) return runFlowStep({ node, config, context, run, plan, effects, entry, changed, runBody, describe });
 */
export async function runFlowStep(step: FlowStepRun): Promise<FlowStepOutcome> {
  try {
    if (!isRecord(step.config)) throw new Error('config must be an object');
    switch (step.node.type) {
      case 'core.wait':
        return await runWait(step, step.config);
      case 'core.loop':
        return await runLoop(step, step.config);
      default:
        return await runSubflow(step, step.config);
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, attempts: 1, error: { message: `${step.describe}: ${message}` } };
  }
}

function need<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`this worker cannot run ${what}`);
  return value;
}

function seconds(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new Error(`${field}: must be a number of seconds, got ${JSON.stringify(value ?? null)}`);
  }
  return value * 1000;
}

async function runWait(step: FlowStepRun, config: Record<string, unknown>): Promise<FlowStepOutcome> {
  const { entry, effects } = step;
  const mode = config.mode ?? 'delay';
  if (mode === 'event') return runEventWait(step, config);
  const now = effects.now();
  let until: number;
  if (mode === 'delay') until = now + seconds(config.durationSeconds, 'durationSeconds');
  else if (mode === 'until') until = dateOf(config.until);
  else throw new Error(`mode: must be delay, until or event, got ${JSON.stringify(mode)}`);
  const sleep = need(effects.sleep?.bind(effects), 'timers');
  if (until > now) {
    entry.status = 'waiting';
    entry.waitingUntil = until;
    step.changed();
    await sleep(until - now);
    entry.status = 'running';
    delete entry.waitingUntil;
  }
  return { ok: true, attempts: 1, output: { waitedUntil: new Date(Math.max(until, now)).toISOString() } };
}

function dateOf(value: unknown): number {
  const at = typeof value === 'number' ? value : typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (!Number.isFinite(at)) {
    throw new Error(
      `until: ${JSON.stringify(value ?? null)} is not a date/time (use ISO 8601, e.g. 2030-01-31T09:00:00Z)`,
    );
  }
  return at;
}

async function runEventWait(step: FlowStepRun, config: Record<string, unknown>): Promise<FlowStepOutcome> {
  const { entry, node } = step;
  const waitForEvent = need(step.effects.waitForEvent?.bind(step.effects), 'event waits');
  const eventName = typeof config.eventName === 'string' && config.eventName !== '' ? config.eventName : undefined;
  const timeoutMs = config.timeoutSeconds === undefined ? undefined : seconds(config.timeoutSeconds, 'timeoutSeconds');
  entry.status = 'waiting';
  entry.waitingFor = eventName ?? '*';
  step.changed();
  const result = await waitForEvent({ nodeId: node.id, eventName, timeoutMs });
  entry.status = 'running';
  delete entry.waitingFor;
  if (!result.timedOut) return { ok: true, attempts: 1, output: result.payload ?? null };
  const handled = step.plan.nodes.some((other) =>
    (other.inputs ?? []).some((input) => input.nodeId === node.id && input.port === 'timeout'),
  );
  if (handled) return { ok: true, attempts: 1, output: { timedOut: true }, ports: ['timeout'] };
  const what = eventName === undefined ? 'no resume' : `no "${eventName}" event`;
  throw new Error(
    `${what} arrived within ${(timeoutMs ?? 0) / 1000} s (connect its "timeout" output to continue the run instead)`,
  );
}

async function runLoop(step: FlowStepRun, config: Record<string, unknown>): Promise<FlowStepOutcome> {
  const { node, entry, effects } = step;
  const body = node.body;
  if (!body) throw new Error('the plan has no loop body (compiled by an older version?)');
  const items = config.items;
  if (!Array.isArray(items)) {
    throw new Error(`items: must evaluate to a list, got ${items === null ? 'null' : typeof items}`);
  }
  const concurrency =
    typeof config.concurrency === 'number' && Number.isInteger(config.concurrency) && config.concurrency > 0
      ? config.concurrency
      : 1;
  const { input: _input, ...context } = step.context;
  const total = items.length;
  const progress = { done: 0, total };
  entry.progress = progress;
  step.changed();
  const request = {
    nodeId: node.id,
    run: step.run,
    plan: {
      flowId: step.plan.flowId,
      version: step.plan.version,
      expressionEngine: step.plan.expressionEngine,
      runtimeVersion: step.plan.runtimeVersion,
    },
    body,
    concurrency,
    context,
  };
  // Small loops run inline; long ones in chunks: transform-only bodies in activities, others in child workflows.
  const inlineLimit = chunkSizeOf(body);
  const offload =
    isTransformOnly(body) && effects.evaluateLoopChunk
      ? { run: effects.evaluateLoopChunk.bind(effects), size: TRANSFORM_ACTIVITY_CHUNK }
      : effects.runLoopChunk
        ? { run: effects.runLoopChunk.bind(effects), size: inlineLimit }
        : undefined;
  const outcome =
    offload && total > inlineLimit
      ? await runInChunks({ ...request, chunkId: '', items, offset: 0 }, offload.size, (chunk) => {
          const result = offload.run({ ...chunk, chunkId: `${step.run.id}-${node.id}-${chunk.offset}` });
          return result.then((done) => {
            progress.done += done.results.length;
            step.changed();
            return done;
          });
        })
      : await runLoopIterations(
          { ...request, chunkId: `${step.run.id}-${node.id}-0`, items, offset: 0 },
          quiet(effects),
          step.runBody,
          () => {
            progress.done++;
            step.changed();
          },
        );
  if (outcome.error) {
    const { index, nodeId, message } = outcome.error;
    return {
      ok: false,
      attempts: 1,
      error: { message: `${step.describe}: item ${index} failed at "${nodeId}": ${message}`, details: outcome.error },
    };
  }
  const results = outcome.results;
  delete entry.progress;
  return { ok: true, attempts: 1, output: results };
}

/** Body iterations report through the loop's progress, not the run's state hook (10,000 of them would flood it). */
function quiet(effects: RunEffects): RunEffects {
  const { onStateChange: _ignored, ...rest } = effects;
  return rest;
}

async function runSubflow(step: FlowStepRun, config: Record<string, unknown>): Promise<FlowStepOutcome> {
  const { node } = step;
  const embedded = node.subflow;
  if (!embedded) {
    throw new Error(
      `the called flow ${JSON.stringify(config.flowId ?? null)} is not embedded in the plan; publish again`,
    );
  }
  const executeChild = need(step.effects.executeChild?.bind(step.effects), 'sub-flows');
  const state = await executeChild({
    nodeId: node.id,
    runId: `${step.run.id}-${node.id}`,
    workspaceId: step.run.workspaceId,
    flowId: embedded.flowId,
    version: embedded.version,
    plan: embedded.plan,
    trigger: config.input ?? null,
  });
  const outputNodeId = typeof config.outputNodeId === 'string' ? config.outputNodeId : undefined;
  if (state.status === 'failed') {
    const why = state.error ? `node "${state.error.nodeId}" failed: ${state.error.message}` : 'it failed';
    return {
      ok: false,
      attempts: 1,
      error: {
        message: `${step.describe}: sub-flow ${embedded.flowId} (version ${embedded.version}) failed: ${why}`,
        details: { childRunId: `${step.run.id}-${node.id}`, error: state.error ?? null },
      },
    };
  }
  return { ok: true, attempts: 1, output: outputOfRun(embedded.plan, state, outputNodeId) };
}

/** A finished run's result: the named node's output, or the output of the last node (in plan order) that ran. */
export function outputOfRun(plan: ExecutionPlan, state: RunState, outputNodeId?: string): unknown {
  if (outputNodeId !== undefined) {
    // Own entries only: `in` would find an inherited `constructor`.
    if (!Object.hasOwn(state.nodes, outputNodeId)) throw new Error(`the sub-flow has no node "${outputNodeId}"`);
    return state.nodes[outputNodeId]?.output ?? null;
  }
  for (const node of [...plan.nodes].reverse()) {
    const ran = state.nodes[node.id];
    if (ran?.status === 'succeeded') return ran.output ?? null;
  }
  return null;
}
