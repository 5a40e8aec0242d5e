import type { StepOutputPort } from '@pipewright/step-sdk';
import type { ControlResult, InlineControlStep } from './control-step.ts';
import { isRecord } from './records.ts';
import { isTruthy } from './truthy.ts';

export const CORE_IF_TYPE = 'core.if';

/** If's output ports: `true` when the condition holds, else `false`. */
export const IF_OUTPUTS: StepOutputPort[] = [
  { id: 'true', label: 'True' },
  { id: 'false', label: 'False' },
];

/** If: `true` or `false`; its output is its input, so both branches see the same data. */
export function runIf(config: unknown, input: unknown): ControlResult {
  const condition = isRecord(config) ? config.condition : undefined;
  return { output: input, ports: [isTruthy(condition) ? 'true' : 'false'] };
}

/** Two-way branch, evaluated inside the workflow. */
export const ifControlStep: InlineControlStep = {
  kind: 'inline',
  type: CORE_IF_TYPE,
  awaitsOutside: false,
  evaluate: runIf,
};
