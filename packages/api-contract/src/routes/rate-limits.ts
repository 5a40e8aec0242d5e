import type { ApiRoutes } from '../api-operation.ts';
import { putRateLimitsBody, rateLimitsViewSchema } from '../rate-limits.ts';

/** The OpenAPI entries of the rate-limit routes (merged in routes/index.ts). */
export const rateLimitsApiRoutes = {
  '/api/rate-limits': {
    get: {
      summary:
        'Viewer+: RateLimitsView — the workspace’s own calls-per-second or per-minute limits by connector type (`*`: ' +
        'every other); where it sets none, the workers’ PIPEWRIGHT_RATE_LIMITS (default 100/s) apply',
      responses: { 200: { description: 'RateLimitsView', body: rateLimitsViewSchema } },
    },
    put: {
      summary:
        'Admin: replace the workspace’s limits (`{}` clears them). Shared by every worker on the same Redis ' +
        '(PIPEWRIGHT_REDIS_URL), else counted per worker; workers apply a change within a few seconds. Audited',
      body: putRateLimitsBody,
      responses: {
        200: { description: 'RateLimitsView', body: rateLimitsViewSchema },
        400: 'A key that is not a connector type or *, or a count out of range',
      },
    },
  },
} satisfies ApiRoutes;
