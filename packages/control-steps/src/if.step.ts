import { defineStep } from '@pipewright/step-sdk';
import { z } from 'zod';
import { CORE_IF_TYPE, IF_OUTPUTS } from './if.ts';

/**
 * Two-way branch, evaluated inside the workflow: the `true` port fires when the condition is truthy, else `false`.
 * Nodes on the branch not taken are skipped.  Its output is its input, so the branch sees the same data.
 */
export const ifStep = defineStep({
  type: CORE_IF_TYPE,
  version: 1,
  kind: 'transform',
  title: 'If',
  description: 'Take the "true" or the "false" path depending on a condition.',
  category: 'Flow control',
  keywords: ['branch', 'condition', 'when', 'filter', 'route'],
  input: z.object({
    condition: z.string().min(1).describe('A {{ expression }}; false, null, 0, "" and [] count as false'),
  }),
  output: z.unknown(),
  outputs: IF_OUTPUTS,
  ui: {
    condition: { label: 'Condition', widget: 'expression', placeholder: '{{ input.body.total > 100 }}' },
  },
});
