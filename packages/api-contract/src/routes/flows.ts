import type { ApiRoutes } from '../api-operation.ts';
import { catalogResponseSchema, stepVersionResponseSchema } from '../catalog.ts';
import { flowDiffSchema } from '../flow-diff.ts';
import {
  checkFlowBody,
  createFlowBody,
  flowCheckResponseSchema,
  flowDetailSchema,
  flowListResponseSchema,
  flowScheduleViewSchema,
  flowVersionDetailSchema,
  flowVersionListSchema,
  flowVersionSummarySchema,
  healthResponseSchema,
  manualRunBody,
  publishFlowBody,
  readinessResponseSchema,
  resumeRunBody,
  resumeRunResponseSchema,
  runDetailSchema,
  runsPageSchema,
  startRunResponseSchema,
  stepTestResultSchema,
  testStepBody,
  updateFlowBody,
  webhookSecretResponseSchema,
} from '../index.ts';
import { runsFilterQuery } from './runs.ts';

const flowId = ['id'];

/** Health, catalog, flows, versions and runs: the core of the API. */
export const flowsApiRoutes = {
  '/api/health': {
    get: {
      summary: 'Health of Temporal and MongoDB',
      responses: { 200: { description: 'Both reachable', body: healthResponseSchema }, 503: 'One is down' },
    },
  },
  '/api/health/ready': {
    get: {
      summary:
        'Readiness for a load balancer: 200 while this server takes requests, 503 from the moment it drains (SIGTERM). Asks neither Temporal nor MongoDB',
      responses: {
        200: { description: 'Takes requests', body: readinessResponseSchema },
        503: { description: 'Draining: send requests to another server', body: readinessResponseSchema },
      },
    },
  },
  '/api/catalog': {
    get: {
      summary:
        'Step catalog of the caller’s workspace: `{ steps: StepManifest[] }` — built-in steps, then the current steps of published packages (with `taskQueue` and `package { name, version, live }`)',
      responses: { 200: { description: 'The catalog', body: catalogResponseSchema } },
    },
  },
  '/api/catalog/steps/{type}/versions/{version}': {
    get: {
      summary:
        'One version of a step type: `{ step: StepManifest }` — the built-in step, or that version from a published package (nodes pinned to an older version show its form)',
      params: ['type', 'version'],
      responses: {
        200: { description: 'The step version', body: stepVersionResponseSchema },
        400: 'version is not a whole number ≥ 1',
        404: 'No such version here',
      },
    },
  },
  '/api/flows': {
    get: {
      summary: 'List flows, newest updated first: `{ items: FlowSummary[] }`',
      responses: { 200: { description: 'Flows', body: flowListResponseSchema } },
    },
    post: {
      summary: 'Create a flow (empty document unless given)',
      body: createFlowBody,
      responses: {
        201: { description: 'The new flow', body: flowDetailSchema },
        400: 'Invalid body',
        413: 'Pinned sample data over its limit (the node named)',
      },
    },
  },
  '/api/flows/{id}': {
    get: {
      summary: 'A flow with its draft document',
      params: flowId,
      responses: { 200: { description: 'The flow', body: flowDetailSchema }, 404: 'Unknown flow' },
    },
    put: {
      summary:
        'Save the draft (its pinned sample data, `document.pinnedData`, included); refused when `revision` is stale',
      params: flowId,
      body: updateFlowBody,
      responses: {
        200: { description: 'The saved flow', body: flowDetailSchema },
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
      responses: {
        200: { description: 'FlowCheckResponse', body: flowCheckResponseSchema },
        400: 'Not a flow document (the field is named)',
        404: 'Unknown flow',
      },
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
        201: { description: 'The new version', body: flowVersionSummarySchema },
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
      responses: { 200: { description: 'Versions, newest first', body: flowVersionListSchema }, 404: 'Unknown flow' },
    },
  },
  '/api/flows/{id}/versions/{version}': {
    get: {
      summary: 'A version with its document and plan',
      params: ['id', 'version'],
      responses: { 200: { description: 'The version', body: flowVersionDetailSchema }, 404: 'Unknown version' },
    },
  },
  '/api/flows/{id}/versions/{a}/diff/{b}': {
    get: {
      summary:
        'What changed from version a to b: `FlowDiff { nodes: { added, removed, changed: [{ id, fields: [{ path, before, after }] }], moved }, edges: { added, removed }, settings }`; position-only changes are listed under `nodes.moved`, not `changed`',
      params: ['id', 'a', 'b'],
      responses: {
        200: { description: 'What changed', body: flowDiffSchema },
        400: 'Bad version number',
        404: 'Unknown flow or version',
      },
    },
  },
  '/api/flows/{id}/versions/{version}/rollback': {
    post: {
      summary:
        'Publish that version’s document again as the newest version (compiled with today’s catalog) and make it the draft (revision bumped)',
      params: ['id', 'version'],
      responses: {
        201: { description: 'The new version', body: flowVersionSummarySchema },
        404: 'Unknown flow or version',
        422: 'Compile errors',
      },
    },
  },
  '/api/flows/{id}/nodes/{nodeId}/test': {
    post: {
      summary:
        'Run one step of the draft on its own with an already-evaluated input (waits up to 30 s; not listed among runs)',
      params: ['id', 'nodeId'],
      body: testStepBody,
      responses: {
        200: { description: 'How the step ran', body: stepTestResultSchema },
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
      responses: { 200: { description: 'The schedule', body: flowScheduleViewSchema }, 404: 'Unknown flow' },
    },
  },
  '/api/flows/{id}/schedule/pause': {
    post: {
      summary: 'Pause the flow’s schedule (kept across publishes until resumed)',
      params: flowId,
      responses: {
        200: { description: 'The schedule', body: flowScheduleViewSchema },
        404: 'Unknown flow, or the flow has no schedule',
      },
    },
  },
  '/api/flows/{id}/schedule/resume': {
    post: {
      summary: 'Resume the flow’s schedule',
      params: flowId,
      responses: {
        200: { description: 'The schedule', body: flowScheduleViewSchema },
        404: 'Unknown flow, or the flow has no schedule',
      },
    },
  },
  '/api/flows/{id}/webhook-secret/rotate': {
    post: {
      summary:
        'Replace the flow’s webhook signing secret and return it this once: `{ secret: "whsec_…" }` (GET /flows/{id} only shows `webhookSecretHint`)',
      params: flowId,
      responses: {
        201: { description: 'The new secret, shown once', body: webhookSecretResponseSchema },
        404: 'Unknown flow',
      },
    },
  },
  '/api/flows/{id}/runs': {
    post: {
      summary: 'Start a manual run of the draft or of the latest version',
      params: flowId,
      body: manualRunBody,
      responses: {
        202: { description: 'The run', body: startRunResponseSchema },
        404: 'Unknown flow',
        409: 'Never published',
        422: 'Compile errors',
      },
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
      responses: {
        200: { description: 'A page of runs', body: runsPageSchema },
        400: 'Invalid filter or cursor (names the field)',
      },
    },
  },
  '/api/runs/{id}': {
    get: {
      summary: 'A run with node states',
      params: ['id'],
      responses: { 200: { description: 'The run', body: runDetailSchema }, 404: 'Unknown run' },
    },
  },
  '/api/runs/{id}/rerun': {
    post: {
      summary: 'Start a new run of the run’s flow on its latest published version, with the run’s trigger output',
      params: ['id'],
      responses: {
        202: { description: 'The new run', body: startRunResponseSchema },
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
      responses: {
        202: { description: 'Delivered', body: resumeRunResponseSchema },
        404: 'Unknown run',
        409: 'The run has already ended',
      },
    },
  },
  '/api/runs/{id}/events': {
    get: {
      summary: 'Server-Sent Events: `data: RunDetail` on every change, then `event: end` once the run closed',
      params: ['id'],
      responses: { 200: 'text/event-stream', 404: 'Unknown run' },
    },
  },
} satisfies ApiRoutes;
