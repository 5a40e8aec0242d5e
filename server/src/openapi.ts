import {
  checkFlowBody,
  createFlowBody,
  manualRunBody,
  publishFlowBody,
  resumeRunBody,
  testStepBody,
  updateFlowBody,
} from '@pipewright/api-contract';
import { z } from 'zod';
import { alertsApiRoutes } from './alerts/alerts.openapi.ts';
import { approvalsApiRoutes } from './approvals/approvals.openapi.ts';
import { authApiRoutes } from './auth/auth.openapi.ts';
import { contractsApiRoutes } from './contracts/contracts.openapi.ts';
import { credentialsApiRoutes } from './credentials/credentials.openapi.ts';
import { draftTestsApiRoutes } from './draft-tests/draft-tests.openapi.ts';
import { failuresApiRoutes } from './failures/failures.openapi.ts';
import { flowFileApiRoutes } from './flows/flow-export.openapi.ts';
import { n8nImportApiRoutes } from './flows/n8n-import.openapi.ts';
import type { ApiOperation, ApiRoutes } from './openapi-operation.ts';
import { operationsApiRoutes } from './operations/operations.openapi.ts';
import { pausesApiRoutes } from './pauses/pauses.openapi.ts';
import { rateLimitsApiRoutes } from './rate-limits/rate-limits.openapi.ts';
import { rolloutsApiRoutes } from './rollouts/rollouts.openapi.ts';
import { runHistoryApiRoutes } from './runs/run-history.openapi.ts';
import { runsFilterQuery } from './runs/runs.openapi.ts';
import { stepPackagesApiRoutes } from './step-packages/step-packages.openapi.ts';

const flowId = ['id'];
const errorBody = { description: 'Error: `{ error: { code, message, issues?, compileErrors? } }`' };

const routes: ApiRoutes = {
  '/api/health': {
    get: { summary: 'Health of Temporal and MongoDB', responses: { 200: 'Both reachable', 503: 'One is down' } },
  },
  '/api/catalog': {
    get: {
      summary:
        'Step catalog of the caller’s workspace: `{ steps: StepManifest[] }` — built-in steps, then the current steps of published packages (with `taskQueue` and `package { name, version, live }`)',
      responses: { 200: 'The catalog' },
    },
  },
  '/api/catalog/steps/{type}/versions/{version}': {
    get: {
      summary:
        'One version of a step type: `{ step: StepManifest }` — the built-in step, or that version from a published package (nodes pinned to an older version show its form)',
      params: ['type', 'version'],
      responses: { 200: 'The step version', 400: 'version is not a whole number ≥ 1', 404: 'No such version here' },
    },
  },
  '/api/flows': {
    get: { summary: 'List flows, newest updated first: `{ items: FlowSummary[] }`', responses: { 200: 'Flows' } },
    post: {
      summary: 'Create a flow (empty document unless given)',
      body: createFlowBody,
      responses: { 201: 'FlowDetail', 400: 'Invalid body', 413: 'Pinned sample data over its limit (the node named)' },
    },
  },
  '/api/flows/{id}': {
    get: {
      summary: 'A flow with its draft document',
      params: flowId,
      responses: { 200: 'FlowDetail', 404: 'Unknown flow' },
    },
    put: {
      summary:
        'Save the draft (its pinned sample data, `document.pinnedData`, included); refused when `revision` is stale',
      params: flowId,
      body: updateFlowBody,
      responses: {
        200: 'FlowDetail',
        400: 'Invalid body',
        404: 'Unknown flow',
        409: 'Stale revision',
        413: 'Pinned sample data over its limit per node or per flow (`pinned_data_too_large`, the node named)',
      },
    },
    delete: {
      summary: 'Delete a flow and its versions',
      params: flowId,
      responses: { 204: 'Deleted', 404: 'Unknown flow' },
    },
  },
  '/api/flows/{id}/check': {
    post: {
      summary:
        'Builder+: live validation — every problem publishing this document would find (compiler, step configs, ' +
        'error handler, sub-flows, schedule), located on nodes and fields; nothing is stored: `{ compileErrors }`',
      body: checkFlowBody,
      params: flowId,
      responses: { 200: 'FlowCheckResponse', 400: 'Not a flow document (the field is named)', 404: 'Unknown flow' },
    },
  },
  '/api/flows/{id}/publish': {
    post: {
      summary:
        'Compile the draft into the next version. Body (optional): `{ rollout: { percent } }` publishes it to that share ' +
        "(1–99 %) of new runs beside the current version (docs/adr/017) instead of making it the flow's version",
      body: publishFlowBody,
      params: flowId,
      responses: {
        201: 'FlowVersionSummary',
        404: 'Unknown flow',
        409: 'A rollout is in progress (`rollout_in_progress`), nothing to roll out beside (`not_published`), or the flow requires a passing draft test (`draft_test_required`)',
        422: 'Compile errors',
      },
    },
  },
  '/api/flows/{id}/versions': {
    get: {
      summary: 'Published versions, newest first: `{ items: FlowVersionSummary[] }`',
      params: flowId,
      responses: { 200: 'Versions', 404: 'Unknown flow' },
    },
  },
  '/api/flows/{id}/versions/{version}': {
    get: {
      summary: 'A version with its document and plan',
      params: ['id', 'version'],
      responses: { 200: 'FlowVersionDetail', 404: 'Unknown version' },
    },
  },
  '/api/flows/{id}/versions/{a}/diff/{b}': {
    get: {
      summary:
        'What changed from version a to b: `FlowDiff { nodes: { added, removed, changed: [{ id, fields: [{ path, before, after }] }], moved }, edges: { added, removed }, settings }`; position-only changes are listed under `nodes.moved`, not `changed`',
      params: ['id', 'a', 'b'],
      responses: { 200: 'FlowDiff', 400: 'Bad version number', 404: 'Unknown flow or version' },
    },
  },
  '/api/flows/{id}/versions/{version}/rollback': {
    post: {
      summary:
        'Publish that version’s document again as the newest version (compiled with today’s catalog) and make it the draft (revision bumped)',
      params: ['id', 'version'],
      responses: { 201: 'FlowVersionSummary', 404: 'Unknown flow or version', 422: 'Compile errors' },
    },
  },
  '/api/flows/{id}/nodes/{nodeId}/test': {
    post: {
      summary:
        'Run one step of the draft on its own with an already-evaluated input (waits up to 30 s; not listed among runs)',
      params: ['id', 'nodeId'],
      body: testStepBody,
      responses: {
        200: 'StepTestResult `{ status, output, error, attempts, durationMs }`',
        404: 'Unknown flow or node',
        422: 'Compile errors, or the node is a trigger',
      },
    },
  },
  '/api/flows/{id}/schedule': {
    get: {
      summary:
        'The flow’s Temporal schedule (when its published trigger is a Schedule): `FlowScheduleView { state: active|paused|none, nextRuns: ISO[] (next five fire times), overlap, spec, note }`',
      params: flowId,
      responses: { 200: 'FlowScheduleView', 404: 'Unknown flow' },
    },
  },
  '/api/flows/{id}/schedule/pause': {
    post: {
      summary: 'Pause the flow’s schedule (kept across publishes until resumed)',
      params: flowId,
      responses: { 200: 'FlowScheduleView', 404: 'Unknown flow, or the flow has no schedule' },
    },
  },
  '/api/flows/{id}/schedule/resume': {
    post: {
      summary: 'Resume the flow’s schedule',
      params: flowId,
      responses: { 200: 'FlowScheduleView', 404: 'Unknown flow, or the flow has no schedule' },
    },
  },
  '/api/flows/{id}/webhook-secret/rotate': {
    post: {
      summary:
        'Replace the flow’s webhook signing secret and return it this once: `{ secret: "whsec_…" }` (GET /flows/{id} only shows `webhookSecretHint`)',
      params: flowId,
      responses: { 201: 'WebhookSecretResponse', 404: 'Unknown flow' },
    },
  },
  '/api/flows/{id}/runs': {
    post: {
      summary: 'Start a manual run of the draft or of the latest version',
      params: flowId,
      body: manualRunBody,
      responses: { 202: 'StartRunResponse', 404: 'Unknown flow', 409: 'Never published', 422: 'Compile errors' },
    },
  },
  '/api/runs': {
    get: {
      summary:
        'Runs: `{ items: RunSummary[], nextCursor }`. With no filter but `flowId`: newest first from the runs index. With any other filter: from Temporal visibility (open runs first, then by close time); queued runs lead the first page when the status filter admits them.',
      query: [
        { name: 'flowId', description: 'Only runs of this flow', schema: { type: 'string' } },
        { name: 'limit', description: '1-50, default 20', schema: { type: 'integer', minimum: 1, maximum: 50 } },
        ...runsFilterQuery,
      ],
      responses: { 200: 'Runs', 400: 'Invalid filter or cursor (names the field)' },
    },
  },
  '/api/runs/{id}': {
    get: { summary: 'A run with node states', params: ['id'], responses: { 200: 'RunDetail', 404: 'Unknown run' } },
  },
  '/api/runs/{id}/rerun': {
    post: {
      summary: 'Start a new run of the run’s flow on its latest published version, with the run’s trigger output',
      params: ['id'],
      responses: {
        202: 'StartRunResponse',
        404: 'Unknown run',
        409: 'Never published, or the run has no trigger output',
      },
    },
  },
  '/api/runs/{id}/resume': {
    post: {
      summary:
        'Wake an event Wait of a waiting run: `{ eventName?, payload }`; `payload` becomes the Wait’s output. A resume sent before the run reaches its Wait is kept until it does.',
      params: ['id'],
      body: resumeRunBody,
      responses: { 202: 'ResumeRunResponse', 404: 'Unknown run', 409: 'The run has already ended' },
    },
  },
  '/api/runs/{id}/events': {
    get: {
      summary: 'Server-Sent Events: `data: RunDetail` on every change, then `event: end` once the run closed',
      params: ['id'],
      responses: { 200: 'text/event-stream', 404: 'Unknown run' },
    },
  },
  ...authApiRoutes,
  ...credentialsApiRoutes,
  ...contractsApiRoutes,
  ...pausesApiRoutes,
  ...rateLimitsApiRoutes,
  ...stepPackagesApiRoutes,
  ...operationsApiRoutes,
  ...failuresApiRoutes,
  ...alertsApiRoutes,
  ...n8nImportApiRoutes,
  ...flowFileApiRoutes,
  ...draftTestsApiRoutes,
  ...rolloutsApiRoutes,
  ...runHistoryApiRoutes,
  ...approvalsApiRoutes,
  '/api/openapi.json': { get: { summary: 'This document', responses: { 200: 'OpenAPI 3.1' } } },
  '/hooks/resume/{token}': {
    post: {
      summary:
        'Signed resume link of one event Wait (from `run.resumeUrls.<nodeId>` in the flow, or `resumeUrl` of a waiting node in GET /api/runs/{id}); the JSON body becomes the Wait’s output. No API token needed: the HMAC-signed token is the capability.',
      params: ['token'],
      responses: {
        202: 'ResumeRunResponse',
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
        200: 'waitForRun: the chosen node’s output as JSON',
        202: 'StartRunResponse (or `{ runId, status: "running" }` when waitForRun timed out; `{ runId, status: "held" }` while the flow is paused in mode queue)',
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
};

/** The OpenAPI 3.1 document, request bodies generated from the api-contract zod schemas. */
export function buildOpenApiDocument(input: { publicBaseUrl?: string | undefined }): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [path, operations] of Object.entries(routes)) {
    const item: Record<string, unknown> = {};
    for (const [method, operation] of Object.entries(operations)) item[method] = toOperation(operation);
    paths[path] = item;
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Pipewright API', version: '0.1.0' },
    ...(input.publicBaseUrl ? { servers: [{ url: input.publicBaseUrl }] } : {}),
    // Every /api route except health, openapi.json and /auth/{status,signup,login,logout} needs one of these.
    components: {
      securitySchemes: {
        apiToken: { type: 'http', scheme: 'bearer', description: 'An API token `pw_…` from POST /api/tokens' },
        session: {
          type: 'apiKey',
          in: 'cookie',
          name: 'pw_session',
          description: 'Browser session; changes also need the header `X-Requested-With: pipewright`',
        },
      },
    },
    security: [{ apiToken: [] }, { session: [] }],
    paths,
  };
}

function toOperation(operation: ApiOperation): Record<string, unknown> {
  const parameters = [
    ...(operation.params ?? []).map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } })),
    ...(operation.query ?? []).map((query) => ({ ...query, in: 'query', required: false })),
  ];
  const responses: Record<string, unknown> = {};
  for (const [status, description] of Object.entries(operation.responses)) {
    responses[status] =
      Number(status) >= 400 ? { description: `${description}. ${errorBody.description}` } : { description };
  }
  return {
    summary: operation.summary,
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(operation.body
      ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(operation.body) } } } }
      : {}),
    responses,
  };
}

function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
    target: 'draft-2020-12',
  });
  return rest;
}
