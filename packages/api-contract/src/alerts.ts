/**
 * Alerts on a flow (`/api/alerts`): a rule watches one flow for a condition — failure rate over a window, a failed
 * run, a failed-runs backlog (DLQ), no run for a while — and tells people through e-mail (an SMTP credential), a chat
 * webhook (a chat credential) or a plain webhook POST.  One incident sends one alert: a rule that fired fires again
 * only once it recovered or its cool-down passed.  Every alert sent is an event, listed with its delivery outcome.
 */

import { z } from 'zod';
import type { Equal } from './type-equal.ts';

/** The documented limits of rules (also in the OpenAPI description). */
export const ALERT_LIMITS = {
  /** Rules per workspace (all flows together). */
  maxRulesPerWorkspace: 200,
  /** Channels per rule. */
  maxChannels: 5,
  /** E-mail recipients per channel. */
  maxRecipients: 20,
  /** `failure_rate` window, minutes: 5 min to 24 h. */
  windowMinutes: { min: 5, max: 1_440 },
  /** `failure_rate`: runs a window needs before its rate counts (one failure of two runs is not a 50 % alarm). */
  minRuns: { min: 1, max: 10_000 },
  /** `dlq_size` threshold: unresolved failed runs. */
  dlqThreshold: { min: 1, max: 1_000_000 },
  /** `waiting_age`: minutes the oldest run may wait to start: 1 min to 24 h. */
  waitingMinutes: { min: 1, max: 1_440 },
  /** `no_run`: minutes without a run: 5 min to 7 days. */
  idleMinutes: { min: 5, max: 10_080 },
  /** Cool-down, minutes: 1 min to 7 days; default 30. */
  cooldownMinutes: { min: 1, max: 10_080, default: 30 },
} as const;

const between = (limits: { min: number; max: number }, what: string) =>
  z
    .number()
    .int(`${what} must be a whole number`)
    .min(limits.min, `${what} must be at least ${limits.min}`)
    .max(limits.max, `${what} must be at most ${limits.max}`);

export const alertConditionSchema = z.discriminatedUnion(
  'kind',
  [
    z
      .object({
        kind: z.literal('failure_rate'),
        /** Fires when failed / finished runs in the window is over this percentage. */
        thresholdPercent: z.number().gt(0, 'must be over 0').max(100, 'must be at most 100'),
        windowMinutes: between(ALERT_LIMITS.windowMinutes, 'windowMinutes'),
        minRuns: between(ALERT_LIMITS.minRuns, 'minRuns').default(5),
      })
      .strict(),
    /** Fires when a run of the flow fails; recovers when a later run succeeds. */
    z.object({ kind: z.literal('run_failed') }).strict(),
    z
      .object({
        kind: z.literal('dlq_size'),
        /** Fires when the flow's unresolved failed runs are more than this. */
        threshold: between(ALERT_LIMITS.dlqThreshold, 'threshold'),
      })
      .strict(),
    z
      .object({
        kind: z.literal('no_run'),
        /** Fires when no run of the flow started for this long (a dead trigger). */
        idleMinutes: between(ALERT_LIMITS.idleMinutes, 'idleMinutes'),
      })
      .strict(),
    z
      .object({
        kind: z.literal('waiting_age'),
        /** Fires when the flow's oldest run waiting to start has waited longer than this (docs/adr/027). */
        minutes: between(ALERT_LIMITS.waitingMinutes, 'minutes'),
      })
      .strict(),
  ],
  { error: 'kind must be one of failure_rate, run_failed, dlq_size, no_run, waiting_age' },
);
export type AlertCondition = z.infer<typeof alertConditionSchema>;
export type AlertConditionKind = AlertCondition['kind'];

const credentialIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,100}$/, 'must be a credential id');
const emailAddress = z.email('must be an e-mail address').max(320);

export const alertChannelSchema = z.discriminatedUnion(
  'type',
  [
    z
      .object({
        type: z.literal('email'),
        /** An SMTP credential of the workspace (by id: the secret never leaves the worker). */
        credentialId: credentialIdSchema,
        from: z.string().trim().min(3, 'must be an address or "Name <address>"').max(320),
        to: z.array(emailAddress).min(1, 'give at least one recipient').max(ALERT_LIMITS.maxRecipients),
      })
      .strict(),
    z
      .object({
        type: z.literal('chat'),
        /** A chat incoming-webhook credential (its URL is the secret). */
        credentialId: credentialIdSchema,
      })
      .strict(),
    z
      .object({
        type: z.literal('webhook'),
        /** POSTed a JSON body; private and metadata addresses are refused by the worker's SSRF guard. */
        url: z
          .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
          .max(2_000)
          .refine((url) => !/^[a-z]+:\/\/[^/]*@/i.test(url), 'must not carry a user or password; use credentialId'),
        /** Optional bearer-token credential, sent as `Authorization: Bearer …`. */
        credentialId: credentialIdSchema.optional(),
      })
      .strict(),
  ],
  { error: 'type must be one of email, chat, webhook' },
);
export type AlertChannel = z.infer<typeof alertChannelSchema>;

const nameSchema = z.string().trim().min(1, 'must not be empty').max(200);
const channelsSchema = z
  .array(alertChannelSchema)
  .min(1, 'give at least one channel')
  .max(ALERT_LIMITS.maxChannels, `at most ${ALERT_LIMITS.maxChannels} channels`);
const cooldownSchema = between(ALERT_LIMITS.cooldownMinutes, 'cooldownMinutes');

/** `POST /api/alerts` (builder). */
export const createAlertRuleBody = z
  .object({
    flowId: z.string().regex(/^[A-Za-z0-9_-]{1,100}$/, 'must be a flow id'),
    name: nameSchema,
    condition: alertConditionSchema,
    channels: channelsSchema,
    cooldownMinutes: cooldownSchema.default(ALERT_LIMITS.cooldownMinutes.default),
    enabled: z.boolean().default(true),
  })
  .strict();
export type CreateAlertRuleBody = z.input<typeof createAlertRuleBody>;

/** `PATCH /api/alerts/:id` (builder): the fields given change; a new condition starts the rule afresh (ok). */
export const updateAlertRuleBody = z
  .object({
    name: nameSchema.optional(),
    condition: alertConditionSchema.optional(),
    channels: channelsSchema.optional(),
    cooldownMinutes: cooldownSchema.optional(),
    enabled: z.boolean().optional(),
  })
  .strict();
export type UpdateAlertRuleBody = z.input<typeof updateAlertRuleBody>;

/** `ok`: the condition is false (or not evaluated yet); `firing`: it held when last evaluated, and an alert went. */
export const alertRuleStatusSchema = z.enum(['ok', 'firing']);
export type AlertRuleStatus = z.infer<typeof alertRuleStatusSchema>;

export const alertRuleViewSchema = z.object({
  id: z.string(),
  flowId: z.string(),
  name: z.string(),
  condition: alertConditionSchema,
  channels: z.array(alertChannelSchema),
  cooldownMinutes: z.number(),
  enabled: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
  status: alertRuleStatusSchema,
  /** When the rule last sent an alert (not counting tests). */
  lastFiredAt: z.string().nullable(),
  lastEvaluatedAt: z.string().nullable(),
});
export type AlertRuleView = z.infer<typeof alertRuleViewSchema>;

/** `GET /api/alerts`. */
export const alertRulesResponseSchema = z.object({ items: z.array(alertRuleViewSchema) });

export const alertDeliveryStatusSchema = z.enum(['pending', 'sent', 'failed']);
export type AlertDeliveryStatus = z.infer<typeof alertDeliveryStatusSchema>;

export const alertDeliveryViewSchema = z.object({
  channel: z.enum(['email', 'chat', 'webhook']),
  status: alertDeliveryStatusSchema,
  /** Why it failed (never a secret: the worker scrubs credential values from step errors). */
  error: z.string().exactOptional(),
});
export type AlertDeliveryView = z.infer<typeof alertDeliveryViewSchema>;
const _channelTypes: Equal<AlertDeliveryView['channel'], AlertChannel['type']> = true;

/** One alert sent (or a test): `GET /api/alerts/events?flowId=…` and `GET /api/alerts/:id/events`. */
export const alertEventViewSchema = z.object({
  id: z.string(),
  ruleId: z.string(),
  ruleName: z.string(),
  flowId: z.string(),
  at: z.string(),
  kind: z.enum(['fired', 'test']),
  /** What happened, as the alert said it. */
  summary: z.string(),
  deliveries: z.array(alertDeliveryViewSchema),
});
export type AlertEventView = z.infer<typeof alertEventViewSchema>;

/** `GET /api/alerts/events` and `GET /api/alerts/:id/events`, newest first. */
export const alertEventsResponseSchema = z.object({ items: z.array(alertEventViewSchema) });
