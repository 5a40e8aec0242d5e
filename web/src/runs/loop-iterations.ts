import type { RunIterationView, RunNodeView } from '@pipewright/api-contract';
import type { FlowNode } from '@pipewright/flow';

/** Loop id → the iteration (its item index) the user picked in the run view. */
export type IterationPicks = Readonly<Record<string, number>>;

/** The recorded iterations of a Loop in a run (none for other nodes, or before the first iteration ended). */
export const iterationsOf = (runNodes: Readonly<Record<string, RunNodeView>>, loopId: string): RunIterationView[] =>
  runNodes[loopId]?.iterations ?? [];

/** The iteration shown for a Loop: the picked one while it is recorded, else the one that failed, else the first. */
export function shownIteration(
  runNodes: Readonly<Record<string, RunNodeView>>,
  loopId: string,
  picks: IterationPicks,
): RunIterationView | undefined {
  const iterations = iterationsOf(runNodes, loopId);
  const picked = picks[loopId];
  return (
    iterations.find((iteration) => iteration.index === picked) ??
    iterations.find((iteration) => iteration.status === 'failed') ??
    iterations[0]
  );
}

/** How many iterations the Loop ran, when that is more than were recorded (its output lists one result each). */
export function iterationsRun(view: RunNodeView | undefined): number | undefined {
  if (!view) return undefined;
  if (view.progress) return view.progress.total;
  return Array.isArray(view.output) ? view.output.length : undefined;
}

/**
 * The node views the run view shows: each Loop body node's view for the shown iteration of its Loop (a body node
 * has no run-wide state of its own: it ran once per item); every other node's view as the run reports it.
 */
export function viewsForIterations(
  nodes: readonly FlowNode[],
  runNodes: Readonly<Record<string, RunNodeView>>,
  picks: IterationPicks,
): Record<string, RunNodeView> {
  if (!nodes.some((node) => node.parentId !== undefined)) return { ...runNodes };
  const views: Record<string, RunNodeView> = { ...runNodes };
  for (const node of nodes) {
    if (node.parentId === undefined) continue;
    const iteration = shownIteration(runNodes, node.parentId, picks);
    // Own entries only: a body node named `constructor` must not find Object.prototype's.
    const view = iteration && Object.hasOwn(iteration.nodes, node.id) ? iteration.nodes[node.id] : undefined;
    if (view) views[node.id] = view;
    else delete views[node.id];
  }
  return views;
}
