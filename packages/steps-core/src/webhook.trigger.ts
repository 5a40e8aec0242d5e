import { CONTRACT_MODES, checkContractSchema } from '@pipewright/contracts';
import { defineStep } from '@pipewright/step-sdk';
import { z } from 'zod';

export const WEBHOOK_MAX_BODY_BYTES = 10 * 1024 * 1024;
export const WEBHOOK_MAX_RESPONSE_TIMEOUT_MS = 60_000;
/** The longest duplicate window: a day covers every sender's retry schedule we know of. */
export const WEBHOOK_MAX_DUPLICATE_WINDOW_SECONDS = 86_400;

/**
 * A JSON Schema for the body, and what a delivery that breaks it gets: `reject` answers 422 naming the field and
 * starts no run; `flag` starts the run with `contract: { valid: false, violations }` in the trigger output. The schema
 * is checked as hostile input (@pipewright/contracts) whenever the config is parsed — so at publish, naming the
 * schema's field, never first at a delivery.
 */
const webhookContract = z
  .object({
    mode: z.enum(CONTRACT_MODES).default('off'),
    // Any JSON: checkContractSchema decides (an object, within the limits, compiling with the shared Ajv).
    schema: z.unknown().optional(),
  })
  .superRefine((contract, ctx) => {
    if (contract.schema === undefined) {
      if (contract.mode !== 'off') {
        ctx.addIssue({ code: 'custom', path: ['schema'], message: 'is needed to reject or flag deliveries' });
      }
      return;
    }
    const problem = checkContractSchema(contract.schema);
    if (problem) ctx.addIssue({ code: 'custom', path: ['schema', ...problem.segments], message: problem.message });
  })
  .default({ mode: 'off' })
  .describe('A JSON Schema for the body, and whether a delivery that breaks it is rejected (422) or flagged');

/**
 * Starts a run when its flow's webhook URL receives a request; the request becomes the trigger's output.  The
 * server's ingress reads this config from the published plan: signature scheme, accepted content types, body limit,
 * and whether the sender gets 202 at once or waits for the run's answer.
 */
export const webhookTrigger = defineStep({
  type: 'core.webhook',
  version: 1,
  kind: 'trigger',
  title: 'Webhook',
  description: 'Starts the flow when an HTTP request arrives at the flow’s webhook URL.',
  keywords: ['http', 'hook', 'post', 'trigger'],
  input: z.object({
    method: z.enum(['POST', 'PUT', 'PATCH', 'GET']).default('POST').describe('HTTP method the webhook accepts'),
    verification: z
      .enum(['none', 'standard', 'github', 'hmac'])
      .default('none')
      .describe('How the sender signs requests with the flow’s webhook secret'),
    signatureHeader: z
      .string()
      .regex(/^[A-Za-z0-9-]+$/, 'must be a header name')
      .max(100)
      .optional()
      .describe('Generic HMAC only: the header holding the hex or base64 HMAC-SHA256 of the body (x-signature)'),
    responseMode: z
      .enum(['immediate', 'waitForRun'])
      .default('immediate')
      .describe('Answer 202 at once, or wait for the run and answer with a node’s output'),
    responseNodeId: z
      .string()
      .optional()
      .describe('waitForRun: the node whose output is the answer (default: the last)'),
    responseTimeoutMs: z
      .number()
      .int()
      .min(100)
      .max(WEBHOOK_MAX_RESPONSE_TIMEOUT_MS)
      .default(10_000)
      .describe('waitForRun: after this the sender gets 202 with the run id'),
    maxBodyBytes: z
      .number()
      .int()
      .min(1)
      .max(WEBHOOK_MAX_BODY_BYTES)
      .default(1024 * 1024),
    contentTypes: z
      .array(z.string().min(1))
      .default(['application/json', 'application/x-www-form-urlencoded', 'text/plain'])
      .describe('Accepted request content types'),
    duplicateWindowSeconds: z
      .number()
      .int()
      .min(0)
      .max(WEBHOOK_MAX_DUPLICATE_WINDOW_SECONDS)
      .default(0)
      .describe(
        'Deliveries without a delivery id whose method, query and body match one received this many seconds before ' +
          'are the same delivery sent again (a sender retrying after no answer) and get the first run; 0: off',
      ),
    contract: webhookContract,
  }),
  output: z.object({
    method: z.string(),
    headers: z.record(z.string(), z.string()),
    query: z.record(z.string(), z.unknown()),
    body: z.unknown(),
    /** Flag mode only: whether the body kept the contract, and how it broke it (the run went on regardless). */
    contract: z
      .object({ valid: z.boolean(), violations: z.array(z.object({ path: z.string(), message: z.string() })) })
      .optional(),
  }),
  ui: {
    method: { label: 'Accepted method', widget: 'select' },
    verification: { label: 'Signature check', widget: 'select' },
    signatureHeader: { label: 'Signature header', placeholder: 'x-signature' },
    responseMode: { label: 'Response', widget: 'select' },
    responseNodeId: { label: 'Answer with the output of node' },
    responseTimeoutMs: { label: 'Wait at most (ms)', widget: 'number' },
    maxBodyBytes: { label: 'Body size limit (bytes)', widget: 'number' },
    contentTypes: { label: 'Content types' },
    duplicateWindowSeconds: { label: 'Same body again within (s) is a duplicate', widget: 'number' },
    // The inspector's Contract section edits it (a schema editor, inference from recent deliveries).
    contract: { label: 'Contract', widget: 'custom' },
  },
});
