import type { RunIterationView, RunNodeView } from '@pipewright/api-contract';

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

/** A Loop body node's view in the shown iteration of its Loop (own entries only: a node named `constructor`…). */
export function bodyNodeView(
  runNodes: Readonly<Record<string, RunNodeView>>,
  loopId: string,
  nodeId: string,
  picks: IterationPicks,
): RunNodeView | undefined {
  const iteration = shownIteration(runNodes, loopId, picks);
  return iteration && Object.hasOwn(iteration.nodes, nodeId) ? iteration.nodes[nodeId] : undefined;
}

/**
 * The status a canvas node shows in the watched run: a Loop body node's in the iteration picked in the run view (it
 * has no run-wide status: it ran once per item), any other node's own.
 */
export const selectShownNodeStatus =
  (nodeId: string, loopId: string | undefined) =>
  (state: {
    run: { nodes: Readonly<Record<string, RunNodeView>>; iterationPicks: IterationPicks };
  }): RunNodeView['status'] | undefined =>
    loopId === undefined
      ? state.run.nodes[nodeId]?.status
      : bodyNodeView(state.run.nodes, loopId, nodeId, state.run.iterationPicks)?.status;
