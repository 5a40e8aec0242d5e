import type { ApiRoutes } from '../api-operation.ts';
import {
  flowPauseStateSchema,
  flowResumeStateSchema,
  pausedConnectorViewSchema,
  pausedCredentialViewSchema,
  pauseFlowBody,
  pauseStepsBody,
  pausesViewSchema,
} from '../pauses.ts';

/** The OpenAPI entries of the kill-switch routes (merged in routes/index.ts). */
export const pausesApiRoutes = {
  '/api/pauses': {
    get: {
      summary:
        'Viewer+: PausesView — paused flows (mode, who, when, reason, held runs), connector types and credentials',
      responses: { 200: { description: 'PausesView', body: pausesViewSchema } },
    },
  },
  '/api/flows/{id}/pause': {
    get: {
      summary: 'Viewer+: FlowPauseState — the flow’s pause (null while it runs) and how many runs it holds',
      params: ['id'],
      responses: { 200: { description: 'FlowPauseState', body: flowPauseStateSchema }, 404: 'Unknown flow' },
    },
    post: {
      summary:
        'Builder+: pause the flow. `reject`: webhooks answer 503 with Retry-After; `queue`: deliveries are accepted ' +
        '(202, status held) and start on resume. Its schedule and polls pause too; runs by hand still start',
      params: ['id'],
      body: pauseFlowBody,
      responses: {
        200: { description: 'FlowPauseState', body: flowPauseStateSchema },
        400: 'Invalid mode or reason',
        404: 'Unknown flow',
      },
    },
    delete: {
      summary: 'Builder+: resume the flow; its held runs start in the order they were accepted',
      params: ['id'],
      responses: {
        200: {
          description: 'FlowResumeState: FlowPauseState and `released` (runs moved to the queue)',
          body: flowResumeStateSchema,
        },
        404: 'Unknown flow',
      },
    },
  },
  '/api/pauses/connectors/{connector}': {
    post: {
      summary:
        'Admin: pause a connector type (`http`, `postgres`…) in the workspace: steps that use it wait, without ' +
        'using up attempts, until it is resumed',
      params: ['connector'],
      body: pauseStepsBody,
      responses: {
        200: { description: 'PausedConnectorView', body: pausedConnectorViewSchema },
        400: 'Invalid connector or reason',
        404: 'No such connector type',
      },
    },
    delete: {
      summary: 'Admin: resume a connector type; waiting steps run within a few seconds',
      params: ['connector'],
      responses: { 204: 'Resumed', 404: 'No such connector type' },
    },
  },
  '/api/pauses/credentials/{id}': {
    post: {
      summary: 'Admin: pause a credential: steps that use it wait, without using up attempts, until it is resumed',
      params: ['id'],
      body: pauseStepsBody,
      responses: {
        200: { description: 'PausedCredentialView', body: pausedCredentialViewSchema },
        400: 'Invalid reason',
        404: 'Unknown credential (or another workspace’s)',
      },
    },
    delete: {
      summary: 'Admin: resume a credential',
      params: ['id'],
      responses: { 204: 'Resumed', 404: 'Unknown credential' },
    },
  },
} satisfies ApiRoutes;
