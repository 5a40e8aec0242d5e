import type { ExecutionPlan, PlanNode, RunSeed } from '@pipewright/run-contract';

/** A node a retry reuses: its recorded output and the ports it fired. */
export interface SeededNode {
  output: unknown;
  ports: string[];
}

/** True when the node has only the `out` port, so having succeeded it fired `out`. */
export const hasOnlyOut = (node: PlanNode): boolean =>
  node.outputs === undefined || (node.outputs.length === 1 && node.outputs[0] === 'out');

/** Whether a node's fired ports go into its run state: wherever they can differ from `out` (a retry needs them). */
export const isWorthRecording = (node: PlanNode, ports: string[]): boolean =>
  !hasOnlyOut(node) || ports.length !== 1 || ports[0] !== 'out';

/**
 * Which of a retry's seed entries the run reuses instead of running: nodes of the plan (not its trigger, which the
 * run's trigger data stands for) whose fired ports are known — recorded in the seed, or `out` for a node with no
 * other port.  Anything else runs again (a Branch of a run recorded before ports were, a node the plan no longer has).
 *
 * @example
 * seededNodes(plan, { fromRunId: 'run_1', nodes: { fetch: { output: { body: 1 } } } }); // Map { 'fetch' => { output, ports: ['out'] } }
 */
export function seededNodes(plan: ExecutionPlan, seed: RunSeed | undefined): Map<string, SeededNode> {
  const reused = new Map<string, SeededNode>();
  if (!seed) return reused;
  for (const node of plan.nodes) {
    if (node.id === plan.triggerNodeId || !Object.hasOwn(seed.nodes, node.id)) continue;
    const entry = seed.nodes[node.id];
    if (!entry) continue;
    const ports = entry.ports ?? (hasOnlyOut(node) ? ['out'] : undefined);
    if (ports) reused.set(node.id, { output: entry.output, ports: [...ports] });
  }
  return reused;
}
