import type { ApiRoutes } from '../api-operation.ts';
import { RUN_HISTORY_MAX_EVENTS, runHistoryResponseSchema } from '../run-history.ts';

/** The OpenAPI entry of the run history route (merged in routes/index.ts). */
export const runHistoryApiRoutes = {
  '/api/runs/{id}/history': {
    get: {
      summary:
        'Viewer+: the run’s Temporal event history in words and every attempt of its steps: `RunHistoryResponse ' +
        '{ attempts: { [nodeId]: RunAttemptView[] }, events: RunHistoryRow[], nextAfter, truncated }`. Rows show ' +
        `payload sizes, never payloads; failure messages are scrubbed of secrets by the worker. At most ${RUN_HISTORY_MAX_EVENTS} ` +
        'events of a run are read (`truncated` beyond). Attempts whose details were not kept (runs of workers before ' +
        'attempt trails) are listed with `kept: false`.',
      params: ['id'],
      query: [
        {
          name: 'after',
          description: 'Rows after this event id (`nextAfter` of the previous page); default 0',
          schema: { type: 'integer', minimum: 0 },
        },
        {
          name: 'limit',
          description: '1–1000 rows, default 500',
          schema: { type: 'integer', minimum: 1, maximum: 1000 },
        },
      ],
      responses: {
        200: { description: 'RunHistoryResponse', body: runHistoryResponseSchema },
        400: 'Invalid query (names the field)',
        404: 'Unknown run',
      },
    },
  },
} satisfies ApiRoutes;
