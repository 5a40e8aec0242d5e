import { defineStep, readCredential, StepError, z } from '@pipewright/step-sdk';
import { apiKeyCredential } from './api-key.credential.ts';

/**
 * One schema gives the types of `run`, the validation at the worker, and the editor's form.  UI hints live in
 * `ui`, apart from the data.  `run` returns the output or throws a StepError (retryable or not).
 */
export const greetStep = defineStep({
  type: '__PREFIX__.greet',
  version: 1,
  kind: 'action',
  title: 'Greet',
  description: 'Builds a greeting; with a webhook URL, also posts it there with the API key.',
  category: '__TITLE__',
  credentials: { api: apiKeyCredential },
  input: z.object({
    name: z.string().min(1),
    excited: z.boolean().default(false),
    webhookUrl: z.url({ protocol: /^https?$/ }).optional(),
  }),
  output: z.object({ message: z.string(), delivered: z.boolean() }),
  ui: {
    name: { label: 'Name', widget: 'expression', placeholder: '{{ trigger.body.name }}', order: 1 },
    excited: { label: 'Excited', widget: 'toggle', order: 2 },
    webhookUrl: { label: 'Webhook URL', help: 'Optional: the greeting is POSTed here', order: 3 },
  },
  async run(input, ctx) {
    const message = `Hello, ${input.name}${input.excited ? '!' : '.'}`;
    if (!input.webhookUrl) return { message, delivered: false };
    const { apiKey } = await readCredential(ctx.credentials, 'api', apiKeyCredential);
    const response = await ctx.http.request({
      method: 'POST',
      url: input.webhookUrl,
      headers: { 'content-type': 'application/json', 'x-api-key': apiKey, 'idempotency-key': ctx.run.idempotencyKey },
      body: JSON.stringify({ message }),
    });
    if (response.status >= 500 || response.status === 429) {
      throw new StepError(`the greeting service answered ${response.status}; trying again`, { retryable: true });
    }
    if (response.status >= 400) {
      throw new StepError(`the greeting service refused the greeting (${response.status}): check the API key`, {
        retryable: false,
      });
    }
    return { message, delivered: true };
  },
});
