import { z } from 'zod';
import type { ApiRoutes } from '../api-operation.ts';
import { resumeRunResponseSchema, webhookAcceptedSchema } from '../index.ts';

/** This document, and the unauthenticated ingress: webhooks and signed resume links. */
export const hooksApiRoutes = {
  '/api/openapi.json': {
    get: {
      summary: 'This document',
      responses: { 200: { description: 'OpenAPI 3.1', body: z.record(z.string(), z.unknown()) } },
    },
  },
  '/hooks/resume/{token}': {
    post: {
      summary:
        'Signed resume link of one event Wait (from `run.resumeUrls.<nodeId>` in the flow, or `resumeUrl` of a waiting node in GET /api/runs/{id}); the JSON body becomes the Wait’s output. No API token needed: the HMAC-signed token is the capability.',
      params: ['token'],
      responses: {
        202: { description: 'Delivered', body: resumeRunResponseSchema },
        401: 'Invalid or tampered link (`invalid_link`), or expired (`link_expired`)',
        409: 'The run has already ended',
      },
    },
  },
  '/hooks/{token}': {
    post: {
      summary:
        'Webhook ingress: starts a run of the latest published version (also the method set on the trigger). Signature schemes per the trigger’s `verification`: Standard Webhooks (`webhook-id`/`webhook-timestamp`/`webhook-signature`, timestamps within ±5 min), GitHub (`X-Hub-Signature-256: sha256=<hex>`), or HMAC-SHA256 hex/base64 in a configured header; all keyed by the flow’s webhook secret. A repeated delivery id (`webhook-id`, `X-GitHub-Delivery`, `Idempotency-Key` or `X-Delivery-Id`) starts no second run: the answer carries the first run’s id and `x-pipewright-duplicate: true`. With `responseMode: waitForRun` the answer is the chosen node’s output (200), `{ error: { code: run_failed, message, runId } }` (500), or `{ runId, status: running }` (202) after the timeout.',
      params: ['token'],
      responses: {
        200: { description: 'waitForRun: the chosen node’s output as JSON', body: z.unknown() },
        202: {
          description:
            'The run (`status: "running"` when waitForRun timed out; `status: "held"` while the flow is paused in mode queue)',
          body: webhookAcceptedSchema,
        },
        401: 'Signature missing or wrong (`invalid_signature`), or timestamp outside ±5 minutes (`invalid_timestamp`)',
        404: 'Unknown token or never published',
        405: 'Method not accepted',
        409: 'The flow is started by a schedule, not by webhooks',
        413: 'Body over the trigger’s limit (default 1 MB)',
        415: 'Content type not accepted by the trigger',
        422: 'The body breaks the trigger’s contract in mode reject (`contract_violation`; the message and `issues` name the field, e.g. `body.order.id: must be string`)',
        500: 'waitForRun: the run failed (`run_failed`, with runId)',
        503: 'The flow is paused in mode reject (`flow_paused`), with Retry-After',
      },
    },
  },
} satisfies ApiRoutes;
