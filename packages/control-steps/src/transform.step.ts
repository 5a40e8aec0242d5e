import { defineStep } from '@pipewright/step-sdk';
import { z } from 'zod';
import { CORE_TRANSFORM_TYPE } from './transform.ts';

/**
 * Sets, renames and computes fields.  Runs inside the workflow (no activity, no round trip): the runtime evaluates
 * each field's `{{ JSONata }}` value against the run context.  Rename = set the new name from the old field and
 * list the old one in `remove`.
 */
export const transformStep = defineStep({
  type: CORE_TRANSFORM_TYPE,
  version: 1,
  kind: 'transform',
  title: 'Transform',
  description: 'Set, rename or compute fields with {{ expressions }}.',
  keywords: ['set', 'map', 'rename', 'compute', 'edit fields', 'jsonata'],
  input: z.object({
    fields: z
      .array(
        z.object({
          name: z.string().min(1).describe('Output field name (dots create nested objects)'),
          value: z.unknown().describe('Value or {{ expression }}'),
        }),
      )
      .default([]),
    keepInput: z.boolean().default(false).describe('Start from the upstream node’s output instead of an empty object'),
    remove: z.array(z.string()).default([]).describe('Fields to drop from the result'),
  }),
  output: z.record(z.string(), z.unknown()),
  ui: {
    fields: { label: 'Fields', widget: 'fieldList', help: 'Each value may be a {{ JSONata }} expression' },
    keepInput: { label: 'Keep input fields', widget: 'toggle' },
    remove: { label: 'Remove fields' },
  },
});
