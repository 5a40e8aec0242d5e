import { defineStep } from '@pipewright/step-sdk';
import { z } from 'zod';
import { CORE_MERGE_TYPE } from './merge.ts';

/**
 * Joins parallel or alternative paths, inside the workflow.  `wait`: `all` incoming paths (skipped ones count as
 * done), the `first` to arrive (its output passes through unchanged; later arrivals are ignored), or `anyN` (the first
 * `n`).  `combine`: `append` (lists concatenated, other values added as items), `byPosition` (item i of every input
 * merged into one object), `byKey` (objects with the same `key` value merged into one).
 */
export const mergeStep = defineStep({
  type: CORE_MERGE_TYPE,
  version: 1,
  kind: 'transform',
  title: 'Merge',
  description: 'Wait for several paths and combine their outputs.',
  category: 'Flow control',
  keywords: ['join', 'combine', 'wait', 'parallel', 'zip', 'append'],
  input: z.object({
    wait: z.enum(['all', 'first', 'anyN']).default('all'),
    n: z.number().int().min(1).optional().describe('For anyN: how many paths to wait for'),
    combine: z.enum(['append', 'byPosition', 'byKey']).default('append'),
    key: z.string().optional().describe('For byKey: the field that identifies an item, e.g. id'),
  }),
  output: z.unknown(),
  ui: {
    wait: { label: 'Wait for', widget: 'select', order: 1 },
    n: { label: 'Number of paths', widget: 'number', order: 2 },
    combine: { label: 'Combine', widget: 'select', order: 3 },
    key: { label: 'Key field', widget: 'text', order: 4 },
  },
});
