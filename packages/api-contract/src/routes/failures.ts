import type { ApiRoutes } from '../api-operation.ts';
import { failureActionBody, failureActionResponseSchema, failuresListResponseSchema } from '../index.ts';

const actionResponses = {
  200: {
    description: 'FailureActionResponse `{ results: [{ runId, ok, newRunId? } | { runId, ok: false, error }] }`',
    body: failureActionResponseSchema,
  },
  400: 'Invalid body (neither or both of runIds and errorGroup, more than 100 runs, a malformed id)',
};

/** The OpenAPI entries of the failed-runs queue (merged in routes/index.ts). */
export const failuresApiRoutes = {
  '/api/failures': {
    get: {
      summary:
        'The failed-runs queue (unresolved failures). `groupBy=error`: `{ groups: FailureGroupView[] }` — per cause: count, first/last seen, a sample, flows affected. Otherwise a page of failures, newest first: `{ items: FailureView[], nextCursor }`.',
      query: [
        {
          name: 'groupBy',
          description: '`error`: the groups instead of the failures',
          schema: { type: 'string', enum: ['error'] },
        },
        { name: 'errorGroup', description: 'Only failures of this cause', schema: { type: 'string' } },
        { name: 'flowId', description: 'Only failures of this flow', schema: { type: 'string' } },
        { name: 'cursor', description: '`nextCursor` of the previous page', schema: { type: 'string' } },
        { name: 'limit', description: '1-100, default 50', schema: { type: 'integer', minimum: 1, maximum: 100 } },
      ],
      responses: {
        200: {
          description: '`groupBy=error`: `{ groups }`; otherwise a page, `{ items, nextCursor }`',
          body: failuresListResponseSchema,
        },
        400: 'Invalid query (names the field)',
      },
    },
  },
  '/api/failures/retry': {
    post: {
      summary:
        'Builder+: retry failed runs from their failed step — a new run each on the original version, with the original trigger data, reusing the outputs of the steps that succeeded. The new run records `retryOf`; the failure is resolved; audited as `failure.retry`.',
      body: failureActionBody,
      responses: actionResponses,
    },
  },
  '/api/failures/rerun': {
    post: {
      summary:
        'Builder+: re-run failed runs on their flow’s current published version with the original trigger data (every step again). The new run records `rerunOf`; the failure is resolved; audited as `failure.rerun`.',
      body: failureActionBody,
      responses: actionResponses,
    },
  },
  '/api/failures/dismiss': {
    post: {
      summary: 'Builder+: take failed runs out of the queue without running them again; audited as `failure.dismiss`.',
      body: failureActionBody,
      responses: actionResponses,
    },
  },
} satisfies ApiRoutes;
