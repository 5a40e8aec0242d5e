import { defineStep } from '@pipewright/step-sdk';
import { z } from 'zod';
import { CORE_LOOP_TYPE, LOOP_MAX_CONCURRENCY } from './loop.ts';

/**
 * Runs its body — the nodes placed inside it (`parentId`) — once per item, inside the workflow.  In the body,
 * `item` and `index` are in the expression context and the body's first nodes get the item as `input`.  Up to
 * `concurrency` iterations run at once; `stopWhen` (evaluated after each iteration against `item`, `index` and
 * `result`) stops starting new ones.  The output is the list of iteration results, in item order: each iteration's
 * `resultNode` output, or its body's last node's.
 */
export const loopStep = defineStep({
  type: CORE_LOOP_TYPE,
  version: 1,
  kind: 'transform',
  title: 'Loop over items',
  description: 'Run the steps inside it once per item of a list, and collect the results.',
  category: 'Flow control',
  keywords: ['loop', 'for each', 'foreach', 'iterate', 'map', 'batch', 'split in batches', 'items'],
  input: z.object({
    items: z.string().min(1).describe('A {{ expression }} giving a list, e.g. {{ trigger.body.orders }}'),
    concurrency: z.number().int().min(1).max(LOOP_MAX_CONCURRENCY).default(1),
    stopWhen: z.string().min(1).optional().describe('Stop after the iteration for which this is true'),
    resultNode: z.string().min(1).optional().describe('Body node whose output is an iteration’s result'),
  }),
  output: z.array(z.unknown()),
  ui: {
    items: { label: 'Items', widget: 'expression', placeholder: '{{ trigger.body.items }}', order: 1 },
    concurrency: { label: 'At once', widget: 'number', order: 2 },
    stopWhen: { label: 'Stop when', widget: 'expression', placeholder: '{{ result.found }}', order: 3 },
    resultNode: { label: 'Result node', widget: 'text', order: 4 },
  },
});
