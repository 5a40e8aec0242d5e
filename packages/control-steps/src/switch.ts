import type { StepOutputs } from '@pipewright/step-sdk';
import type { ControlResult, InlineControlStep } from './control-step.ts';
import { isRecord } from './records.ts';
import { isTruthy } from './truthy.ts';

export const CORE_SWITCH_TYPE = 'core.switch';

/** Switch's output ports: one per case (its `id`), plus `default` when no case matches. */
export const SWITCH_OUTPUTS: StepOutputs = {
  fromConfig: 'cases',
  idKey: 'id',
  labelKey: 'label',
  extra: [{ id: 'default', label: 'Default' }],
};

/** Switch: the first matching case (mode `first`) or every matching case (`all`), else `default`. */
export function runSwitch(config: unknown, input: unknown): ControlResult {
  if (!isRecord(config)) throw new Error('config must be an object');
  const cases = config.cases ?? [];
  if (!Array.isArray(cases)) throw new Error('cases: must be a list');
  const matching: string[] = [];
  for (const [index, entry] of cases.entries()) {
    if (!isRecord(entry) || typeof entry.id !== 'string' || entry.id === '') {
      throw new Error(`cases.${index}.id: must be a non-empty text`);
    }
    if (isTruthy(entry.condition)) matching.push(entry.id);
  }
  const ports = config.mode === 'all' ? matching : matching.slice(0, 1);
  return { output: input, ports: ports.length > 0 ? ports : ['default'] };
}

/** Many-way branch, evaluated inside the workflow. */
export const switchControlStep: InlineControlStep = {
  kind: 'inline',
  type: CORE_SWITCH_TYPE,
  awaitsOutside: false,
  evaluate: runSwitch,
};
