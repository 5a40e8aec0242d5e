/**
 * "The constraint" of a flow: the step that holds it back most.  A step that failed in the window dominates (the
 * one with the most failures: a failing step costs runs); without failures, the step with the highest p95 duration
 * (it sets the flow's pace).  Ties go to the higher p95, then the plan's order.
 */
export interface ConstraintCandidate {
  nodeId: string;
  title: string;
  stepType: string;
  failures: number;
  p95Ms: number | null;
}

export interface Constraint extends ConstraintCandidate {
  why: 'failures' | 'p95';
}

export function constraintOf(steps: readonly ConstraintCandidate[]): Constraint | null {
  let best: ConstraintCandidate | undefined;
  for (const step of steps) {
    if (!best || outranks(step, best)) best = step;
  }
  if (!best || (best.failures === 0 && best.p95Ms === null)) return null;
  return { ...best, why: best.failures > 0 ? 'failures' : 'p95' };
}

function outranks(a: ConstraintCandidate, b: ConstraintCandidate): boolean {
  if (a.failures !== b.failures) return a.failures > b.failures;
  return (a.p95Ms ?? -1) > (b.p95Ms ?? -1);
}
