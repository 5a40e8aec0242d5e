import { defineStep } from '@pipewright/step-sdk';
import { z } from 'zod';
import { CORE_SUBFLOW_TYPE } from './subflow.ts';

/**
 * Runs another published flow of the workspace as a child run and waits for it.  Publishing embeds that flow's
 * latest published plan (so a run never looks anything up, and later publishes of the child do not change runs in
 * flight).  `input` becomes the child's trigger output; the output is the child's `outputNodeId` output, or its
 * last node's.  The child failing fails this node, with the child's error message.
 */
export const subflowStep = defineStep({
  type: CORE_SUBFLOW_TYPE,
  version: 1,
  kind: 'transform',
  title: 'Run sub-flow',
  description: 'Call another published flow with some input and use its result.',
  category: 'Flow control',
  keywords: ['subflow', 'sub-flow', 'child', 'call flow', 'execute workflow', 'reuse'],
  input: z.object({
    flowId: z.string().min(1).describe('The flow to run (its latest published version at publish time)'),
    input: z.unknown().optional().describe('The child run’s trigger output, e.g. {{ input }}'),
    outputNodeId: z.string().min(1).optional().describe('Which node of the child gives the result (default: its last)'),
  }),
  output: z.unknown(),
  ui: {
    flowId: { label: 'Flow', widget: 'text', order: 1 },
    input: { label: 'Input', widget: 'expression', placeholder: '{{ input }}', order: 2 },
    outputNodeId: { label: 'Result node', widget: 'text', order: 3 },
  },
});
