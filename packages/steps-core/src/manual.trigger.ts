import { defineStep } from '@pipewright/step-sdk';
import { z } from 'zod';

/** Starts a run from the editor's Run button or the API; the payload typed there is the trigger's output. */
export const manualTrigger = defineStep({
  type: 'core.manual',
  version: 1,
  kind: 'trigger',
  title: 'Manual trigger',
  description: 'Starts the flow from the Run button or the API with a test payload.',
  keywords: ['run', 'test', 'button'],
  input: z.object({}),
  output: z.object({ body: z.unknown() }),
});
