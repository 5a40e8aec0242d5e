import { defineStep } from '@pipewright/step-sdk';
import { z } from 'zod';
import { CORE_WAIT_TYPE, WAIT_OUTPUTS } from './wait.ts';

/**
 * Pauses the run, inside the workflow, on a durable Temporal timer or until an event arrives — a run waiting for
 * weeks holds no worker and no connection.  `delay`: `durationSeconds`; `until`: a date/time (ISO text or an
 * expression giving one, or epoch milliseconds); `event`: until the run is resumed (signed resume URL or
 * `POST /api/runs/:id/resume`) or `timeoutSeconds` pass, which fires the `timeout` port; `approval`: until a member
 * named in `approvers` approves or rejects on the Approvals page (docs/adr/018), firing `approved` or `rejected`.
 * The output is the resume payload (`event`), the decision (`approval`: `{ approved, decision, comment?, decidedBy,
 * decidedAt }`) or `{ waitedUntil }` (ISO text).
 */
export const waitStep = defineStep({
  type: CORE_WAIT_TYPE,
  version: 1,
  kind: 'transform',
  title: 'Wait',
  description:
    'Pause for a while, until a date, until an event resumes the run, or until a member approves or rejects.',
  category: 'Flow control',
  keywords: ['delay', 'sleep', 'pause', 'timer', 'approval', 'resume', 'until', 'event', 'webhook callback'],
  input: z.object({
    mode: z.enum(['delay', 'until', 'event', 'approval']).default('delay'),
    durationSeconds: z.number().min(0).max(31_622_400).optional().describe('For delay: how long to wait'),
    until: z.string().min(1).optional().describe('For until: ISO date/time, or an expression giving one'),
    eventName: z.string().min(1).max(100).optional().describe('For event: only resumes with this name wake it'),
    approvers: z
      .string()
      .min(1)
      .max(4000)
      .optional()
      .describe('For approval: who may decide — roles (admin, developer, builder), member e-mails or user ids'),
    title: z.string().max(1000).optional().describe('For approval: what the approver is asked (a template)'),
    message: z.string().max(10_000).optional().describe('For approval: details shown to the approver (a template)'),
    timeoutSeconds: z
      .number()
      .min(1)
      .max(31_622_400)
      .optional()
      .describe('For event or approval: how long to wait before taking the "timeout" path'),
  }),
  output: z.unknown(),
  outputs: WAIT_OUTPUTS,
  ui: {
    mode: { label: 'Wait for', widget: 'select', order: 1 },
    durationSeconds: { label: 'Duration (seconds)', widget: 'number', order: 2 },
    until: { label: 'Until', widget: 'expression', placeholder: '{{ trigger.body.sendAt }}', order: 3 },
    eventName: { label: 'Event name', widget: 'text', placeholder: 'approval', order: 4 },
    approvers: {
      label: 'Approvers',
      widget: 'expression',
      placeholder: 'admin, ada@example.com',
      help: 'Comma-separated roles (admin, developer, builder), member e-mails or user ids',
      order: 5,
    },
    title: { label: 'Title', widget: 'expression', placeholder: 'Refund {{ trigger.body.amount }} €?', order: 6 },
    message: { label: 'Message', widget: 'expression', order: 7 },
    timeoutSeconds: { label: 'Timeout (seconds)', widget: 'number', order: 8 },
  },
});
