import type { RunNodeView } from '@pipewright/api-contract';
import type { FlowNode } from '@pipewright/flow';
import { bodyNodeView, type IterationPicks } from '../canvas/run-iterations.ts';

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
    const view = bodyNodeView(runNodes, node.parentId, node.id, picks);
    if (view) views[node.id] = view;
    else delete views[node.id];
  }
  return views;
}
