import { defineStep } from '@pipewright/step-sdk';
import { z } from 'zod';
import { CORE_SWITCH_TYPE, SWITCH_OUTPUTS } from './switch.ts';

/**
 * Many-way branch, evaluated inside the workflow: one output port per case (its `id`) plus `default`, which fires
 * when no case matches.  Mode `first` takes the first matching case, `all` every matching case.  Its output is its
 * input.  Case ids must be identifier-like and unique (the compiler checks it, naming the case).
 */
export const switchStep = defineStep({
  type: CORE_SWITCH_TYPE,
  version: 1,
  kind: 'transform',
  title: 'Switch',
  description: 'Route to one of several labelled paths, by the first (or every) matching condition.',
  category: 'Flow control',
  keywords: ['branch', 'case', 'route', 'router', 'condition'],
  input: z.object({
    cases: z
      .array(
        z.object({
          id: z.string().min(1).describe('Port id, e.g. big_order'),
          label: z.string().default(''),
          condition: z.string().min(1).describe('A {{ expression }}'),
        }),
      )
      .default([]),
    mode: z.enum(['first', 'all']).default('first'),
  }),
  output: z.unknown(),
  outputs: SWITCH_OUTPUTS,
  ui: {
    cases: { label: 'Cases', help: 'One output per case; "default" fires when none matches' },
    mode: { label: 'Match', widget: 'select', help: 'first: the first matching case only; all: every matching case' },
  },
});
