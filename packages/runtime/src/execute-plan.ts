import { controlStepFor, type MergeJoin } from '@pipewright/control-steps';
import type { ExecutionPlan, NodeRunState, PlanInput, PlanNode, RunState } from '@pipewright/run-contract';
import { defineOwn } from '@pipewright/step-sdk/safe-object';
import { type CompletedStep, compensate } from './compensate.ts';
import type { RunEffects } from './effects.ts';
import type { ExecutePlanInput } from './execute-plan-input.ts';
import type { RunBody } from './loop.ts';
import { buildContext } from './node-context.ts';
import type { NodeOutcome } from './node-outcome.ts';
import { runNode } from './run-node.ts';
import { isWorthRecording, seededNodes } from './seed.ts';

export type { ExecutePlanInput } from './execute-plan-input.ts';

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

type InputState = 'active' | 'inactive' | 'pending';
/** What the scheduler decides for a pending node: start it with these inputs, skip it, or keep waiting. */
type Readiness = { start: PlanInput[] } | 'skip' | 'wait';

/** Every node but a Merge waits for all its inputs. */
const WAIT_FOR_ALL: MergeJoin = { wait: 'all', n: 1 };
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
 * `errorOutput` fires `error` instead.  A run that failed undoes its completed nodes' undo steps, last first
 * (`compensate`).  Step failures never throw; the returned state says what happened.
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
  // A retry from the failed step: the failed run's succeeded nodes count as done with their outputs (plan order).
  for (const [id, seeded] of seededNodes(plan, input.seed)) {
    const entry = nodeState(id);
    Object.assign(entry, { status: 'succeeded', output: seeded.output, attempts: 0, reused: true });
    if (isWorthRecording(planNode(plan, id), seeded.ports)) entry.ports = seeded.ports;
    outputs.set(id, seeded.output);
    fired.set(id, seeded.ports);
    arrival.set(id, arrival.size);
  }
  changed();
  const running = new Map<string, Promise<string>>();
  let failed = false;
  /** Nodes with an undo step that succeeded in this run, in completion order (reused nodes ran in another run). */
  const completed: CompletedStep[] = [];

  const finish = (node: PlanNode, entry: NodeRunState, outcome: NodeOutcome) => {
    entry.attempts = outcome.attempts;
    entry.endedAt = effects.now();
    if (outcome.ok && outcome.rateLimitWaitMs !== undefined) entry.rateLimitWaitMs = outcome.rateLimitWaitMs;
    arrival.set(node.id, arrival.size);
    // Recorded where they can differ from `out`, so a retry can reuse the node (seed.ts).
    const recordPorts = (ports: string[]) => {
      if (isWorthRecording(node, ports)) entry.ports = ports;
    };
    if (outcome.ok) {
      entry.status = 'succeeded';
      entry.output = outcome.output;
      outputs.set(node.id, outcome.output);
      fired.set(node.id, outcome.ports ?? ['out']);
      recordPorts(outcome.ports ?? ['out']);
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
      recordPorts([onError === 'continue' ? 'out' : 'error']);
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
    const context = buildContext({ input, node, outputs, active });
    const task = runNode({
      node,
      context,
      input,
      effects,
      entry,
      changed,
      recordInput: (evaluated) => {
        entry.input = evaluated;
        changed();
      },
      runBody,
    }).then((outcome) => {
      finish(node, entry, outcome);
      // Succeeded for real (not continued on error): its undo runs if the run fails (compensate.ts).
      if (outcome.ok && node.undo) completed.push({ node, entry, context });
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
    const { wait, n } = controlStepFor(node.type, 'merge')?.joinOf(node.config) ?? WAIT_FOR_ALL;
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
  // Plans without undo steps never get here with anything to undo: they run exactly as before.
  if (failed && completed.length > 0) await compensate({ completed, runId: input.run.id, effects, state, changed });
  state.status = failed ? 'failed' : 'succeeded';
  state.endedAt = effects.now();
  changed();
  return state;
}

function planNode(plan: ExecutionPlan, id: string): PlanNode {
  const found = plan.nodes.find((node) => node.id === id);
  if (!found) throw new Error(`plan has no node "${id}"`);
  return found;
}

/** A loop body's iteration, run as a plan of its own by this same scheduler. */
const runBody: RunBody = (body, effects) => executePlan(body, effects, createInitialState(body.plan, effects.now()));
