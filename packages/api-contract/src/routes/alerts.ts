import type { ApiRoutes } from '../api-operation.ts';
import {
  ALERT_LIMITS,
  alertEventsResponseSchema,
  alertEventViewSchema,
  alertRulesResponseSchema,
  alertRuleViewSchema,
  createAlertRuleBody,
  updateAlertRuleBody,
} from '../index.ts';

const id = ['id'];
const flowIdQuery = { name: 'flowId', description: 'Only this flow’s', schema: { type: 'string' } };
const limitQuery = { name: 'limit', description: 'At most this many, 1–200 (default 50)', schema: { type: 'integer' } };
const limits =
  `Limits: ${ALERT_LIMITS.maxRulesPerWorkspace} rules per workspace, ${ALERT_LIMITS.maxChannels} channels per rule, ` +
  `${ALERT_LIMITS.maxRecipients} recipients per e-mail channel; failure_rate window ${ALERT_LIMITS.windowMinutes.min}–` +
  `${ALERT_LIMITS.windowMinutes.max} min, no_run idle time ${ALERT_LIMITS.idleMinutes.min}–${ALERT_LIMITS.idleMinutes.max} min, ` +
  `cool-down ${ALERT_LIMITS.cooldownMinutes.min}–${ALERT_LIMITS.cooldownMinutes.max} min (default ${ALERT_LIMITS.cooldownMinutes.default}).`;

/** The OpenAPI entries of the alert routes (merged in routes/index.ts). */
export const alertsApiRoutes = {
  '/api/alerts': {
    get: {
      summary: 'Viewer+: alert rules, oldest first: `{ items: AlertRuleView[] }` (with status ok/firing, lastFiredAt)',
      query: [flowIdQuery],
      responses: { 200: { description: 'Rules', body: alertRulesResponseSchema }, 400: 'Malformed flowId' },
    },
    post: {
      summary:
        'Builder+: create a rule on a flow — condition failure_rate | run_failed | dlq_size | no_run | waiting_age; channels email ' +
        '(SMTP credential id), chat (chat webhook credential id), webhook (URL, optional bearer credential id; the ' +
        'worker’s SSRF guard applies).  One incident sends one alert: a rule that fired sends again only after it ' +
        `recovered or its cool-down passed.  Audited.  ${limits}`,
      body: createAlertRuleBody,
      responses: {
        201: { description: 'The new rule', body: alertRuleViewSchema },
        400: 'Invalid body, or a credential that is not in the workspace or of the wrong type (message names the field)',
        404: 'Unknown flow',
        409: 'The workspace has the most rules it may have',
      },
    },
  },
  '/api/alerts/events': {
    get: {
      summary: 'Viewer+: alerts sent and tests, newest first: `{ items: AlertEventView[] }` with delivery outcomes',
      query: [flowIdQuery, limitQuery],
      responses: { 200: { description: 'Events', body: alertEventsResponseSchema }, 400: 'Malformed query' },
    },
  },
  '/api/alerts/{id}': {
    get: {
      summary: 'Viewer+: one rule',
      params: id,
      responses: { 200: { description: 'The rule', body: alertRuleViewSchema }, 404: 'Unknown rule' },
    },
    patch: {
      summary: 'Builder+: change a rule; a new condition (or switching it on) starts it afresh.  Audited',
      params: id,
      body: updateAlertRuleBody,
      responses: {
        200: { description: 'The rule as changed', body: alertRuleViewSchema },
        400: 'Invalid body (names the field)',
        404: 'Unknown rule',
      },
    },
    delete: {
      summary: 'Builder+: delete a rule.  Audited',
      params: id,
      responses: { 204: 'Deleted', 404: 'Unknown rule' },
    },
  },
  '/api/alerts/{id}/test': {
    post: {
      summary:
        'Builder+: send a test alert through the rule’s channels now: AlertEventView with deliveries `pending`; ' +
        'their outcomes show in GET /api/alerts/{id}/events.  Audited',
      params: id,
      responses: {
        202: { description: 'The test alert, deliveries pending', body: alertEventViewSchema },
        404: 'Unknown rule',
      },
    },
  },
  '/api/alerts/{id}/events': {
    get: {
      summary: 'Viewer+: the rule’s alerts and tests, newest first: `{ items: AlertEventView[] }`',
      params: id,
      query: [limitQuery],
      responses: { 200: { description: 'Events', body: alertEventsResponseSchema }, 404: 'Unknown rule' },
    },
  },
} satisfies ApiRoutes;
