/**
 * The control steps' definitions, made with the step SDK like any other step (schemas, labels, help): the catalog
 * lists them (`@pipewright/steps-core`), the editor draws their forms.  A separate entry from the package's index
 * because these bring zod and the SDK, and the runtime — bundled into every workflow — needs only the behaviour.
 */
import type { AnyStepDefinition } from '@pipewright/step-sdk';
import { ifStep } from './if.step.ts';
import { loopStep } from './loop.step.ts';
import { mergeStep } from './merge.step.ts';
import { subflowStep } from './subflow.step.ts';
import { switchStep } from './switch.step.ts';
import { transformStep } from './transform.step.ts';
import { waitStep } from './wait.step.ts';

export { ifStep, loopStep, mergeStep, subflowStep, switchStep, transformStep, waitStep };

/** In the catalog's order. */
export const controlStepDefinitions: AnyStepDefinition[] = [
  transformStep,
  ifStep,
  switchStep,
  mergeStep,
  loopStep,
  waitStep,
  subflowStep,
];
