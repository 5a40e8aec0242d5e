import { controlStepFor, isTruthy, LOOP_ITEM_TYPE } from '@pipewright/control-steps';
import { evaluateTemplate } from '@pipewright/expression';
import type { LoopIterationState, RunState } from '@pipewright/run-contract';
import {
  type ExecutionPlan,
  LOOP_ITEM_NODE_ID,
  MAX_RECORDED_ITERATION_CHARS,
  MAX_RECORDED_ITERATIONS,
  type PlanLoopBody,
  type PlanNode,
} from '@pipewright/run-contract';
import { defineOwn } from '@pipewright/step-sdk/safe-object';
import type { LoopChunkRequest, LoopChunkResult, RunEffects } from './effects.ts';

/** Runs one iteration's body as a plan of its own (injected by execute-plan.ts, which owns the interpreter). */
export type RunBody = (
  input: {
    plan: ExecutionPlan;
    trigger: unknown;
    run: { id: string; workspaceId: string };
    scope: Record<string, unknown>;
  },
  effects: RunEffects,
) => Promise<RunState>;

/**
 * Iterations per chunk when the loop is split across child workflows: a transform-only body adds no history events
 * (its cost is CPU in one workflow task), a body with activities, timers or children adds a few events per node per
 * iteration.  These keep a chunk's history in the low thousands of events and its task well under a second.
 */
const TRANSFORM_BUDGET_PER_CHUNK = 300;
const COMMAND_BUDGET_PER_CHUNK = 400;
/** Transform-only chunks issue no I/O, so the loop's concurrency limit does not apply to them: run a few at once. */
const PARALLEL_TRANSFORM_CHUNKS = 4;

/** Items per `evaluateLoopChunk` call: plain Node runs a few thousand node evaluations in well under a second. */
export const TRANSFORM_ACTIVITY_CHUNK = 1000;

/** A body with no activities, timers or child runs: pure, so it may be evaluated anywhere. */
export const isTransformOnly = (body: PlanLoopBody): boolean => !body.nodes.some(issuesCommands);

/** Activities, timers, signals or child runs: each adds history events (a nested loop's body may). */
const issuesCommands = (node: PlanNode): boolean =>
  node.runsIn === 'activity' || controlStepFor(node.type)?.awaitsOutside === true || node.body !== undefined;

/**
 * Iterations per chunk.  Workflow code runs in Temporal's sandbox, where the interpreter is an order of magnitude
 * slower than in plain Node (about 1 ms per body node per iteration measured here), and a workflow task must stay
 * well under the 2 s deadlock limit: so transform work is budgeted per node evaluation.
 */
export function chunkSizeOf(body: PlanLoopBody): number {
  const commandNodes = body.nodes.filter(issuesCommands).length;
  if (commandNodes === 0) return Math.max(10, Math.floor(TRANSFORM_BUDGET_PER_CHUNK / Math.max(1, body.nodes.length)));
  return Math.max(10, Math.floor(COMMAND_BUDGET_PER_CHUNK / commandNodes));
}

/**
 * Splits the items into chunks of `size` and runs them through `runChunk` (a child workflow each), in order.  Bodies
 * with I/O run one chunk at a time (so the loop's concurrency limit holds across chunks); transform-only bodies
 * without `stopWhen` run a few at once.  Results are concatenated in item order, up to the chunk that stopped.
 */
export async function runInChunks(
  request: LoopChunkRequest,
  size: number,
  runChunk: (chunk: LoopChunkRequest) => Promise<LoopChunkResult>,
): Promise<LoopChunkResult> {
  const offsets: number[] = [];
  for (let offset = 0; offset < request.items.length; offset += size) offsets.push(offset);
  const parallel =
    request.body.stopWhen === undefined && !request.body.nodes.some(issuesCommands) ? PARALLEL_TRANSFORM_CHUNKS : 1;
  const outcomes: LoopChunkResult[] = [];
  let next = 0;
  let halted = false;
  const lane = async () => {
    while (!halted && next < offsets.length) {
      const position = next++;
      const offset = offsets[position] ?? 0;
      const outcome = await runChunk({ ...request, items: request.items.slice(offset, offset + size), offset });
      outcomes[position] = outcome;
      if (outcome.error || outcome.stopped) halted = true;
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, offsets.length) }, lane));
  const results: unknown[] = [];
  const iterations: LoopIterationState[] = [];
  let error: LoopChunkResult['error'];
  let stopped = false;
  for (const outcome of outcomes) {
    if (!outcome) break;
    results.push(...outcome.results);
    iterations.push(...(outcome.iterations ?? []));
    if (outcome.error && (error === undefined || outcome.error.index < error.index)) error = outcome.error;
    if (outcome.stopped) {
      stopped = true;
      break;
    }
  }
  return {
    results,
    stopped,
    ...(error === undefined ? {} : { error }),
    ...(iterations.length ? { iterations: keepWithinBudget(iterations) } : {}),
  };
}

/**
 * The recorded iterations in item order, cut before the first one that would take them past
 * `MAX_RECORDED_ITERATION_CHARS` of JSON (deterministic: the same data measures the same on replay).
 */
export function keepWithinBudget(iterations: readonly LoopIterationState[]): LoopIterationState[] {
  const kept: LoopIterationState[] = [];
  let chars = 0;
  for (const iteration of [...iterations].sort((a, b) => a.index - b.index)) {
    chars += JSON.stringify(iteration).length;
    if (chars > MAX_RECORDED_ITERATION_CHARS) break;
    kept.push(iteration);
  }
  return kept;
}

/**
 * Collects iterations as they end, for the live run view, within the same character budget (each measured once);
 * the loop's final list (`keepWithinBudget` of the outcome) replaces it at the end.
 */
export function createIterationRecorder(
  onChange: (iterations: LoopIterationState[]) => void,
): (ended: readonly LoopIterationState[]) => void {
  const kept: LoopIterationState[] = [];
  let chars = 0;
  return (ended) => {
    for (const iteration of ended) {
      const size = JSON.stringify(iteration).length;
      if (chars + size > MAX_RECORDED_ITERATION_CHARS) continue;
      chars += size;
      kept.push(iteration);
    }
    kept.sort((a, b) => a.index - b.index);
    onChange([...kept]);
  };
}

/** The body as a plan whose trigger is the synthetic item node (its output: the current item). */
export function bodyPlanOf(request: Pick<LoopChunkRequest, 'body' | 'plan' | 'nodeId'>): ExecutionPlan {
  const itemNode: PlanNode = {
    id: LOOP_ITEM_NODE_ID,
    type: LOOP_ITEM_TYPE,
    typeVersion: 1,
    title: 'Item',
    kind: 'trigger',
    runsIn: 'workflow',
    upstream: [],
    config: {},
    retry: { maxAttempts: 1, initialIntervalMs: 0, backoffCoefficient: 1, maxIntervalMs: 0 },
    timeoutMs: 0,
    taskQueue: '',
  };
  return {
    planFormat: 1,
    runtimeVersion: request.plan.runtimeVersion,
    expressionEngine: request.plan.expressionEngine,
    flowId: request.plan.flowId,
    version: request.plan.version,
    hash: '',
    triggerNodeId: LOOP_ITEM_NODE_ID,
    nodes: [itemNode, ...request.body.nodes],
  };
}

/**
 * Runs the iterations of one slice with at most `concurrency` at a time, in item order; after each, `stopWhen` (if
 * any) decides whether to start more.  The first failing iteration stops new starts (running ones finish).  Results
 * are the iterations' result-node outputs (null when that node was skipped), for every iteration started.  The
 * first `MAX_RECORDED_ITERATIONS` iterations are also recorded (each body node's state), and handed to
 * `onIterationDone` as each ends, so a run view can show them while the loop runs.
 */
export async function runLoopIterations(
  request: LoopChunkRequest,
  effects: RunEffects,
  runBody: RunBody,
  onIterationDone?: (iteration: LoopIterationState | undefined) => void,
): Promise<LoopChunkResult> {
  const plan = bodyPlanOf(request);
  const { items, offset, body } = request;
  const results: unknown[] = [];
  const recorded: LoopIterationState[] = [];
  let next = 0;
  let stopped = false;
  let error: LoopChunkResult['error'];

  const iterate = async (position: number): Promise<LoopIterationState | undefined> => {
    const index = offset + position;
    const item = items[position];
    const scope: Record<string, unknown> = { ...request.context, item, index };
    const state = await runBody(
      {
        plan,
        trigger: item,
        run: { id: `${request.run.id}/${request.nodeId}[${index}]`, workspaceId: request.run.workspaceId },
        scope,
      },
      effects,
    );
    const iteration = index < MAX_RECORDED_ITERATIONS ? iterationOf(index, state) : undefined;
    if (iteration) recorded.push(iteration);
    if (state.status === 'failed') {
      const failure = state.error ?? { nodeId: '', message: 'the iteration failed' };
      if (error === undefined || index < error.index) error = { index, ...failure };
      return iteration;
    }
    const resultState = state.nodes[body.resultNodeId];
    const result = resultState?.status === 'succeeded' ? (resultState.output ?? null) : null;
    results[position] = result;
    if (body.stopWhen !== undefined && !stopped) {
      const steps = { ...(isRecordValue(scope.steps) ? scope.steps : {}), ...outputsOf(state) };
      try {
        if (isTruthy(await evaluateTemplate(body.stopWhen, { ...scope, steps, result }))) stopped = true;
      } catch (cause) {
        const message = cause instanceof Error ? cause.message : String(cause);
        error ??= { index, nodeId: request.nodeId, message: `stopWhen: ${message}` };
      }
    }
    return iteration;
  };

  const lane = async () => {
    while (!stopped && error === undefined && next < items.length) {
      const position = next++;
      const iteration = await iterate(position);
      onIterationDone?.(iteration);
    }
  };
  const lanes = Math.max(1, Math.min(request.concurrency, items.length));
  await Promise.all(Array.from({ length: lanes }, lane));
  const started = next;
  const iterations = keepWithinBudget(recorded);
  return {
    results: Array.from({ length: started }, (_, position) => results[position] ?? null),
    stopped,
    ...(error === undefined ? {} : { error }),
    ...(iterations.length ? { iterations } : {}),
  };
}

/** One iteration as the run view shows it: the body's node states, without the item node or nested iterations. */
function iterationOf(index: number, state: RunState): LoopIterationState {
  const nodes: LoopIterationState['nodes'] = {};
  for (const [id, node] of Object.entries(state.nodes)) {
    if (id === LOOP_ITEM_NODE_ID) continue;
    const { iterations: _nested, ...rest } = node;
    defineOwn(nodes, id, rest);
  }
  return { index, status: state.status, nodes };
}

function outputsOf(state: RunState): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [id, node] of Object.entries(state.nodes)) if (node.output !== undefined) defineOwn(out, id, node.output);
  return out;
}

const isRecordValue = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
