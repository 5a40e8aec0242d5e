import type { CompensationState, NodeRunState, NodeUndoState, PlanNode, RunState } from '@pipewright/run-contract';
import { describeNode } from './describe-node.ts';
import type { RunEffects } from './effects.ts';
import { evaluateConfig, locatedMessage } from './evaluate-config.ts';
import { failureOutcome } from './node-outcome.ts';

/** A node that succeeded in this run and declares an undo step: what its undo needs. */
export interface CompletedStep {
  node: PlanNode;
  entry: NodeRunState;
  /** The expression context the node ran with; the undo reads it too, plus `original`. */
  context: Record<string, unknown>;
}

/**
 * The saga's compensation (docs/adr/015): once the run has failed for good, the undo step of each completed node
 * runs, one at a time, in reverse completion order.  Each undo is an I/O step with its own retry policy and the
 * idempotency key `<run id>/<node id>/undo`, so one in flight when a worker dies is sent again with the same key and
 * one completed is in history and never runs again.  An undo that fails for good does not stop the others (the usual
 * saga choice: undo as much as possible, then report): `state.compensation` says which failed.
 *
 * @example
 * await compensate({ completed, runId: 'run-1', effects, state, changed });
 * state.compensation; // { status: 'compensated', order: ['ship', 'charge'] }
 */
export async function compensate(at: {
  /** In completion order. */
  completed: CompletedStep[];
  runId: string;
  effects: RunEffects;
  state: RunState;
  changed: () => void;
}): Promise<void> {
  const { effects, state, changed } = at;
  const compensation: CompensationState = { status: 'running', order: [] };
  state.compensation = compensation;
  const failedAt: string[] = [];
  for (const step of [...at.completed].reverse()) {
    const { node, entry } = step;
    compensation.order.push(node.id);
    const undo: NodeUndoState = { status: 'running', attempts: 0, startedAt: effects.now() };
    entry.undo = undo;
    changed();
    const outcome = await runUndo(step, at.runId, effects, undo);
    Object.assign(undo, outcome, { endedAt: effects.now() });
    if (outcome.status === 'failed') failedAt.push(node.id);
    // A pause that held the undo back shows on the node (StepExecution.onPause); the node itself stays succeeded.
    entry.status = 'succeeded';
    delete entry.pausedBy;
    changed();
  }
  compensation.status = failedAt.length > 0 ? 'failed' : 'compensated';
  if (failedAt.length > 0) compensation.failedAt = failedAt;
}

async function runUndo(
  step: CompletedStep,
  runId: string,
  effects: RunEffects,
  undoState: NodeUndoState,
): Promise<Pick<NodeUndoState, 'status' | 'attempts' | 'output' | 'error'>> {
  const { node, entry, context } = step;
  const undo = node.undo;
  if (!undo) return { status: 'succeeded', attempts: 0 };
  let input: unknown;
  try {
    const original = { input: entry.input ?? null, output: entry.output ?? null };
    // The node has run by now: its own output is readable as `steps.<id>` too (the compiler allows it).
    const steps = { ...(context.steps as Record<string, unknown> | undefined), [node.id]: original.output };
    input = await evaluateConfig(undo.config, { ...context, steps, original }, 'config');
  } catch (error) {
    const message = `the undo of ${describeNode(node)}: ${locatedMessage(error)}`;
    return { status: 'failed', attempts: 1, error: { message } };
  }
  undoState.input = input;
  try {
    const result = await effects.executeStep({
      nodeId: node.id,
      type: undo.type,
      typeVersion: undo.typeVersion,
      input,
      retry: undo.retry,
      timeoutMs: undo.timeoutMs,
      taskQueue: undo.taskQueue,
      idempotencyKey: `${runId}/${node.id}${UNDO_KEY_SUFFIX}`,
    });
    return { status: 'succeeded', attempts: result.attempts, output: result.output };
  } catch (error) {
    const outcome = failureOutcome(error);
    return outcome.ok
      ? { status: 'succeeded', attempts: outcome.attempts }
      : { status: 'failed', attempts: outcome.attempts, error: outcome.error };
  }
}

/** The end of an undo step's idempotency key (`<run>/<node>/undo`): how an effects port tells an undo from a step. */
export const UNDO_KEY_SUFFIX = '/undo';

/**
 * How a failed run's message ends: nothing without compensation, else whether every undo succeeded.
 *
 * @example
 * `node "ship" failed: 502${compensationNote(state)}`; // 'node "ship" failed: 502 (compensated)'
 */
export function compensationNote(state: Pick<RunState, 'compensation'>): string {
  const { compensation } = state;
  if (!compensation) return '';
  if (compensation.status === 'failed') return ` (compensation failed at ${(compensation.failedAt ?? []).join(', ')})`;
  return compensation.status === 'compensated' ? ' (compensated)' : '';
}
