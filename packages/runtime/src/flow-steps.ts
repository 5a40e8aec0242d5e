import {
  type ControlStep,
  controlStepFor,
  type LoopControlStep,
  type SubflowControlStep,
  type WaitControlStep,
} from '@pipewright/control-steps';
import type { ExecutionPlan, NodeError, NodeRunState, PlanNode, RunState } from '@pipewright/run-contract';
import type { RunEffects } from './effects.ts';
import {
  chunkSizeOf,
  createIterationRecorder,
  isTransformOnly,
  type RunBody,
  runInChunks,
  runLoopIterations,
  TRANSFORM_ACTIVITY_CHUNK,
} from './loop.ts';

/** Control steps that need time, events or other runs: run here, through the effects port (Wait, Loop, Sub-flow). */
export type FlowControlStep = LoopControlStep | WaitControlStep | SubflowControlStep;

const isFlowStep = (step: ControlStep | undefined): step is FlowControlStep =>
  step?.kind === 'loop' || step?.kind === 'wait' || step?.kind === 'subflow';

/** The Wait, Loop or Sub-flow step of a node type, if it is one. */
export function flowStepOf(type: string): FlowControlStep | undefined {
  const step = controlStepFor(type);
  return isFlowStep(step) ? step : undefined;
}

export type FlowStepOutcome =
  | { ok: true; output: unknown; attempts: number; ports?: string[] }
  | { ok: false; error: NodeError; attempts: number };

export interface FlowStepRun<Control extends FlowControlStep = FlowControlStep> {
  /** The node's control step. */
  control: Control;
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
 * const step = flowStepOf(node.type);
 * if (step) return runFlowStep({ control: step, node, config, context, run, plan, effects, entry, changed, runBody, describe });
 */
export async function runFlowStep(step: FlowStepRun): Promise<FlowStepOutcome> {
  try {
    if (!isRecord(step.config)) throw new Error('config must be an object');
    const { control } = step;
    switch (control.kind) {
      case 'wait':
        return await runWait({ ...step, control }, step.config);
      case 'loop':
        return await runLoop({ ...step, control }, step.config);
      case 'subflow':
        return await runSubflow({ ...step, control }, step.config);
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, attempts: 1, error: { message: `${step.describe}: ${message}` } };
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function need<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`this worker cannot run ${what}`);
  return value;
}

async function runWait(step: FlowStepRun<WaitControlStep>, config: Record<string, unknown>): Promise<FlowStepOutcome> {
  const { entry, effects, control } = step;
  if (control.isApprovalWait(config)) return runApprovalWait(step, config);
  if (control.isEventWait(config)) return runEventWait(step, config);
  const now = effects.now();
  const until = control.timerUntil(config, now);
  const sleep = need(effects.sleep?.bind(effects), 'timers');
  if (until > now) {
    entry.status = 'waiting';
    entry.waitingUntil = until;
    step.changed();
    await sleep(until - now);
    entry.status = 'running';
    delete entry.waitingUntil;
  }
  return { ok: true, attempts: 1, output: control.timerOutput(until, now) };
}

async function runEventWait(
  step: FlowStepRun<WaitControlStep>,
  config: Record<string, unknown>,
): Promise<FlowStepOutcome> {
  const { entry, node, control } = step;
  const waitForEvent = need(step.effects.waitForEvent?.bind(step.effects), 'event waits');
  const wait = control.eventWaitOf(config);
  const { eventName, timeoutMs } = wait;
  entry.status = 'waiting';
  entry.waitingFor = eventName ?? '*';
  step.changed();
  const result = await waitForEvent({ nodeId: node.id, eventName, timeoutMs });
  entry.status = 'running';
  delete entry.waitingFor;
  if (!result.timedOut) return { ok: true, attempts: 1, output: result.payload ?? null };
  const { output, ports } = control.timedOut(wait, isPortConnected(step, control.timeoutPort));
  return { ok: true, attempts: 1, output, ...(ports ? { ports } : {}) };
}

async function runApprovalWait(
  step: FlowStepRun<WaitControlStep>,
  config: Record<string, unknown>,
): Promise<FlowStepOutcome> {
  const { entry, node, control } = step;
  const waitForApproval = need(step.effects.waitForApproval?.bind(step.effects), 'approvals');
  const wait = control.approvalWaitOf(config);
  entry.status = 'waiting';
  entry.waitingFor = 'approval';
  step.changed();
  const result = await waitForApproval({
    run: step.run,
    flowId: step.plan.flowId,
    nodeId: node.id,
    approvers: wait.approvers,
    title: wait.title ?? `Approve "${node.id}"?`,
    message: wait.message,
    timeoutMs: wait.timeoutMs,
  });
  entry.status = 'running';
  delete entry.waitingFor;
  const { output, ports } = result.timedOut
    ? control.approvalTimedOut(wait, isPortConnected(step, control.timeoutPort))
    : control.decided(result);
  return { ok: true, attempts: 1, output, ...(ports ? { ports } : {}) };
}

/** Whether some node reads `port` of the step's node (a Wait's `timeout` path, say). */
const isPortConnected = (step: FlowStepRun, port: string): boolean =>
  step.plan.nodes.some((other) =>
    (other.inputs ?? []).some((input) => input.nodeId === step.node.id && input.port === port),
  );

async function runLoop(step: FlowStepRun<LoopControlStep>, config: Record<string, unknown>): Promise<FlowStepOutcome> {
  const { node, entry, effects } = step;
  const body = node.body;
  if (!body) throw new Error('the plan has no loop body (compiled by an older version?)');
  const { items, concurrency } = step.control.iterationsOf(config);
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
  const record = createIterationRecorder((iterations) => {
    entry.iterations = iterations;
  });
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
            if (done.iterations?.length) record(done.iterations);
            step.changed();
            return done;
          });
        })
      : await runLoopIterations(
          { ...request, chunkId: `${step.run.id}-${node.id}-0`, items, offset: 0 },
          quiet(effects),
          step.runBody,
          (iteration) => {
            progress.done++;
            // Recorded iterations show up as they end (in item order), so a run view can follow a slow loop.
            if (iteration) record([iteration]);
            step.changed();
          },
        );
  if (outcome.iterations?.length) entry.iterations = outcome.iterations;
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

async function runSubflow(
  step: FlowStepRun<SubflowControlStep>,
  config: Record<string, unknown>,
): Promise<FlowStepOutcome> {
  const { node } = step;
  const call = step.control.childCallOf(config);
  const embedded = node.subflow;
  if (!embedded) {
    throw new Error(`the called flow ${JSON.stringify(call.flowId)} is not embedded in the plan; publish again`);
  }
  const executeChild = need(step.effects.executeChild?.bind(step.effects), 'sub-flows');
  const state = await executeChild({
    nodeId: node.id,
    runId: `${step.run.id}-${node.id}`,
    workspaceId: step.run.workspaceId,
    flowId: embedded.flowId,
    version: embedded.version,
    plan: embedded.plan,
    trigger: call.trigger,
  });
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
  return { ok: true, attempts: 1, output: outputOfRun(embedded.plan, state, call.outputNodeId) };
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
