import { defineStep } from '@pipewright/step-sdk';
import { z } from 'zod';

/** Starts a run when its flow's webhook URL receives a request; the request becomes the trigger's output. */
export const webhookTrigger = defineStep({
  type: 'core.webhook',
  version: 1,
  kind: 'trigger',
  title: 'Webhook',
  description: 'Starts the flow when an HTTP request arrives at the flow’s webhook URL.',
  keywords: ['http', 'hook', 'post', 'trigger'],
  input: z.object({
    method: z.enum(['POST', 'PUT', 'PATCH', 'GET']).default('POST').describe('HTTP method the webhook accepts'),
  }),
  output: z.object({
    method: z.string(),
    headers: z.record(z.string(), z.string()),
    query: z.record(z.string(), z.unknown()),
    body: z.unknown(),
  }),
  ui: { method: { label: 'Accepted method', widget: 'select' } },
});
