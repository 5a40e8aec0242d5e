import type { ApiRoutes } from '../api-operation.ts';
import { operationsHealthResponseSchema } from '../operations.ts';

/** The OpenAPI entries of the operations routes (merged in routes/index.ts). */
export const operationsApiRoutes = {
  '/api/operations/health': {
    get: {
      summary:
        'Viewer+: the workspace’s health over a window (`HealthResponse`): totals, a series, per flow (success rate, p50/p95 run latency, runs per minute, retries, 429s, rate-limit waits, DLQ backlog, freshness, the constraint step) and per connector type. Read from the rollups the workers keep, never from runs.',
      query: [
        {
          name: 'window',
          description: '1h, 24h (default) or 7d',
          schema: { type: 'string', enum: ['1h', '24h', '7d'] },
        },
        { name: 'flowId', description: 'Only this flow', schema: { type: 'string' } },
        {
          name: 'connector',
          description: 'Only flows using this connector type (e.g. http)',
          schema: { type: 'string' },
        },
      ],
      responses: {
        200: { description: 'HealthResponse (@pipewright/operations)', body: operationsHealthResponseSchema },
        400: 'Invalid query (the message names the field)',
      },
    },
  },
} satisfies ApiRoutes;
