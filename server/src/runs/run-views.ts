import type { RunIterationView, RunNodeView, RunUndoView } from '@pipewright/api-contract';
import type { ParsedRunState } from '@pipewright/run-contract/schema';
import { defineOwn } from '@pipewright/step-sdk';

type ParsedNodeState = ParsedRunState['nodes'][string];
type ParsedIteration = NonNullable<ParsedNodeState['iterations']>[number];

/** A run state's nodes as the API serves them (a Loop's recorded iterations with their body nodes). */
export function toNodeViews(state: ParsedRunState): Record<string, RunNodeView> {
  const views: Record<string, RunNodeView> = {};
  for (const [id, node] of Object.entries(state.nodes)) {
    const view: RunNodeView = toNodeView(node);
    if (node.iterations !== undefined) view.iterations = node.iterations.map(toIterationView);
    defineOwn(views, id, view);
  }
  return views;
}

function toIterationView(iteration: ParsedIteration): RunIterationView {
  const nodes: RunIterationView['nodes'] = {};
  for (const [id, node] of Object.entries(iteration.nodes)) defineOwn(nodes, id, toNodeView(node));
  return { index: iteration.index, status: iteration.status, nodes };
}

function toNodeView(node: Omit<ParsedNodeState, 'iterations'>): Omit<RunNodeView, 'iterations'> {
  const view: Omit<RunNodeView, 'iterations'> = { status: node.status, attempts: node.attempts };
  if (node.input !== undefined) view.input = node.input;
  if (node.output !== undefined) view.output = node.output;
  if (node.error !== undefined) {
    view.error =
      node.error.details === undefined
        ? { message: node.error.message }
        : { message: node.error.message, details: node.error.details };
  }
  if (node.waitingUntil !== undefined) view.waitingUntil = node.waitingUntil;
  if (node.waitingFor !== undefined) view.waitingFor = node.waitingFor;
  if (node.pausedBy !== undefined) view.pausedBy = node.pausedBy;
  if (node.reused === true) view.reused = true;
  if (node.progress !== undefined) view.progress = node.progress;
  if (node.rateLimitWaitMs !== undefined) view.rateLimitWaitMs = node.rateLimitWaitMs;
  if (node.startedAt !== undefined) view.startedAt = node.startedAt;
  if (node.endedAt !== undefined) view.endedAt = node.endedAt;
  if (node.undo !== undefined) view.undo = toUndoView(node.undo);
  return view;
}

/** A compensated node's undo step (docs/adr/015). */
function toUndoView(undo: NonNullable<ParsedNodeState['undo']>): RunUndoView {
  const view: RunUndoView = { status: undo.status, attempts: undo.attempts };
  if (undo.input !== undefined) view.input = undo.input;
  if (undo.output !== undefined) view.output = undo.output;
  if (undo.error !== undefined) {
    view.error =
      undo.error.details === undefined
        ? { message: undo.error.message }
        : { message: undo.error.message, details: undo.error.details };
  }
  if (undo.startedAt !== undefined) view.startedAt = undo.startedAt;
  if (undo.endedAt !== undefined) view.endedAt = undo.endedAt;
  return view;
}
