import type { AnyStepDefinition } from '@pipewright/step-sdk';
import { httpRequestStep } from './http-request.step.ts';
import { manualTrigger } from './manual.trigger.ts';
import { transformStep } from './transform.step.ts';
import { webhookTrigger } from './webhook.trigger.ts';

export { httpRequestStep, manualTrigger, transformStep, webhookTrigger };

/** The built-in step types, written with the same SDK a third party uses. */
export const builtinSteps: AnyStepDefinition[] = [webhookTrigger, manualTrigger, transformStep, httpRequestStep];
