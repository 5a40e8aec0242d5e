import type { ControlStep, ControlStepKind } from './control-step.ts';
import { ifControlStep } from './if.ts';
import { loopControlStep } from './loop.ts';
import { mergeControlStep } from './merge.ts';
import { subflowControlStep } from './subflow.ts';
import { switchControlStep } from './switch.ts';
import { transformControlStep } from './transform.ts';
import { waitControlStep } from './wait.ts';

/** Every core control step. */
export const controlSteps: readonly ControlStep[] = [
  transformControlStep,
  ifControlStep,
  switchControlStep,
  mergeControlStep,
  loopControlStep,
  waitControlStep,
  subflowControlStep,
];

// A Map, not an object: a node type such as `constructor` must find nothing.
const byType: ReadonlyMap<string, ControlStep> = new Map(controlSteps.map((step) => [step.type, step]));

/**
 * The control step of a node type, or undefined for any other step (an action, a trigger, a package's step).  With
 * `kind`, only a control step of that kind.
 *
 * @example
 * const join = controlStepFor(node.type, 'merge')?.joinOf(node.config) ?? { wait: 'all', n: 1 };
 * if (controlStepFor(node.type)?.awaitsOutside) runTimeout = undefined;
 */
export function controlStepFor(type: string): ControlStep | undefined;
export function controlStepFor<Kind extends ControlStepKind>(
  type: string,
  kind: Kind,
): Extract<ControlStep, { kind: Kind }> | undefined;
export function controlStepFor(type: string, kind?: ControlStepKind): ControlStep | undefined {
  const step = byType.get(type);
  return kind === undefined || step?.kind === kind ? step : undefined;
}
