import type { ApiRoutes } from '../api-operation.ts';
import { fairnessViewSchema, putFairnessBody, waitingRunsViewSchema } from '../fairness.ts';

/** The OpenAPI entries of the fair-share routes (merged in routes/index.ts). */
export const fairnessApiRoutes = {
  '/api/fairness': {
    get: {
      summary:
        'Viewer+: FairnessView — the workspace’s weight: under a backlog, each workspace’s runs get worker capacity ' +
        'in proportion to it (default 1); and the most the caller may set',
      responses: { 200: { description: 'FairnessView', body: fairnessViewSchema } },
    },
    put: {
      summary:
        'Admin: set the workspace’s weight, from 0.001 up to 1; above 1 (up to 1000) only an instance operator ' +
        '(PIPEWRIGHT_INSTANCE_ADMINS). Applies to runs started a few seconds later, and to schedules and polls when ' +
        'their flow is next published. And/or the workspace’s own ceiling of runs waiting to start ' +
        '(maxWaitingRuns, a whole number; null removes it), which only lowers the instance’s. Audited',
      body: putFairnessBody,
      responses: {
        200: { description: 'FairnessView', body: fairnessViewSchema },
        400: 'A weight that is not a number from 0.001 to 1000, or a maxWaitingRuns that is not a whole number ≥ 1',
        403: 'A weight above 1 from a workspace admin who is no instance operator',
      },
    },
  },
  '/api/waiting-runs': {
    get: {
      summary:
        'Viewer+: WaitingRunsView — runs accepted and not begun by a worker yet, per flow, with the oldest one’s age ' +
        'and the webhooks refused at a ceiling (429) within the window; the ceilings ' +
        '(PIPEWRIGHT_MAX_WAITING_RUNS_PER_WORKSPACE / _PER_FLOW). Counted within a second or two',
      responses: { 200: { description: 'WaitingRunsView', body: waitingRunsViewSchema } },
    },
  },
} satisfies ApiRoutes;
