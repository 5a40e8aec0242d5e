import { defineStep } from '@pipewright/step-sdk';
import { z } from 'zod';
import { CORE_WAIT_TYPE, WAIT_OUTPUTS } from './wait.ts';

/**
 * Pauses the run, inside the workflow, on a durable Temporal timer or until an event arrives — a run waiting for
 * weeks holds no worker and no connection.  `delay`: `durationSeconds`; `until`: a date/time (ISO text or an
 * expression giving one, or epoch milliseconds); `event`: until the run is resumed (signed resume URL or
 * `POST /api/runs/:id/resume`) or `timeoutSeconds` pass, which fires the `timeout` port.  The output is the resume
 * payload (`event`) or `{ waitedUntil }` (ISO text).
 */
export const waitStep = defineStep({
  type: CORE_WAIT_TYPE,
  version: 1,
  kind: 'transform',
  title: 'Wait',
  description: 'Pause for a while, until a date, or until an approval or other event resumes the run.',
  category: 'Flow control',
  keywords: ['delay', 'sleep', 'pause', 'timer', 'approval', 'resume', 'until', 'event', 'webhook callback'],
  input: z.object({
    mode: z.enum(['delay', 'until', 'event']).default('delay'),
    durationSeconds: z.number().min(0).max(31_622_400).optional().describe('For delay: how long to wait'),
    until: z.string().min(1).optional().describe('For until: ISO date/time, or an expression giving one'),
    eventName: z.string().min(1).max(100).optional().describe('For event: only resumes with this name wake it'),
    timeoutSeconds: z
      .number()
      .min(1)
      .max(31_622_400)
      .optional()
      .describe('For event: how long to wait before taking the "timeout" path'),
  }),
  output: z.unknown(),
  outputs: WAIT_OUTPUTS,
  ui: {
    mode: { label: 'Wait for', widget: 'select', order: 1 },
    durationSeconds: { label: 'Duration (seconds)', widget: 'number', order: 2 },
    until: { label: 'Until', widget: 'expression', placeholder: '{{ trigger.body.sendAt }}', order: 3 },
    eventName: { label: 'Event name', widget: 'text', placeholder: 'approval', order: 4 },
    timeoutSeconds: { label: 'Timeout (seconds)', widget: 'number', order: 5 },
  },
});
