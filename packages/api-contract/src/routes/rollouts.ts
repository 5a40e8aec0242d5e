import type { ApiRoutes } from '../api-operation.ts';
import { flowVersionSummarySchema } from '../index.ts';
import { rolloutResponseSchema, rolloutRollbackResponseSchema } from '../rollouts.ts';

/** The OpenAPI entries of a flow's rollout (merged in routes/index.ts); it starts with `POST /api/flows/{id}/publish`. */
export const rolloutsApiRoutes = {
  '/api/flows/{id}/rollout': {
    get: {
      summary:
        'The rollout in progress compared (docs/adr/017): per version (stable, candidate) the runs since it started, ' +
        'succeeded, failed, running, success rate and p50/p95 latency, from Temporal’s visibility store: ' +
        '`{ rollout: RolloutView | null }`',
      params: ['id'],
      responses: { 200: { description: 'RolloutResponse', body: rolloutResponseSchema }, 404: 'Unknown flow' },
    },
  },
  '/api/flows/{id}/rollout/promote': {
    post: {
      summary:
        'Builder+: the rolled-out version becomes the flow’s version (all new runs, schedules, triggers); audited',
      params: ['id'],
      responses: {
        200: { description: 'FlowVersionSummary', body: flowVersionSummarySchema },
        404: 'Unknown flow',
        409: 'No rollout in progress (`no_rollout`)',
      },
    },
  },
  '/api/flows/{id}/rollout/rollback': {
    post: {
      summary: 'Builder+: the rolled-out version runs no more; the current version takes every new run; audited',
      params: ['id'],
      responses: {
        200: { description: 'RolloutRollbackResponse: `{ version }`', body: rolloutRollbackResponseSchema },
        404: 'Unknown flow',
        409: 'No rollout in progress (`no_rollout`)',
      },
    },
  },
} satisfies ApiRoutes;
