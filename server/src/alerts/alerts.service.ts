import {
  ALERT_LIMITS,
  type AlertChannel,
  type AlertEventView,
  type AlertRuleView,
  type createAlertRuleBody,
  type updateAlertRuleBody,
} from '@pipewright/api-contract';
import type { z } from 'zod';
import type { AuditService } from '../auth/audit.service.ts';
import type { AuthContext } from '../auth/auth-context.ts';
import { newId } from '../auth/secrets.ts';
import { ApiError, notFound } from '../errors.ts';
import type { AlertDelivery } from './alert-delivery.ts';
import { initialRuleState } from './alert-evaluation.ts';
import type { AlertEventRecord, AlertEventsRepository } from './alert-events.repository.ts';
import type { AlertRuleChanges, AlertRuleRecord, AlertRulesRepository } from './alert-rules.repository.ts';

/** The credential type each channel's step needs. */
const CREDENTIAL_TYPE: Record<AlertChannel['type'], string> = {
  email: 'smtp',
  chat: 'chat.webhook',
  webhook: 'bearerToken',
};

export interface AlertsServiceDeps {
  rules: AlertRulesRepository;
  events: AlertEventsRepository;
  delivery: AlertDelivery;
  audit: AuditService;
  /** The flow's name; a 404 ApiError when the flow is not in the workspace. */
  flowName: (workspaceId: string, flowId: string) => Promise<string>;
  /** The workspace's credentials (ids and types only: never values). */
  credentials: (workspaceId: string) => Promise<{ id: string; type: string }[]>;
  flowLink: (flowId: string) => string | undefined;
}

/** Alert rules of flows: builders manage them, viewers read them and the alerts they sent. */
export class AlertsService {
  readonly #deps: AlertsServiceDeps;

  constructor(deps: AlertsServiceDeps) {
    this.#deps = deps;
  }

  async list(workspaceId: string, flowId: string | undefined): Promise<AlertRuleView[]> {
    return (await this.#deps.rules.list(workspaceId, flowId)).map(toRuleView);
  }

  async get(workspaceId: string, id: string): Promise<AlertRuleView> {
    return toRuleView(await this.#load(workspaceId, id));
  }

  async create(auth: AuthContext, body: z.output<typeof createAlertRuleBody>): Promise<AlertRuleView> {
    const { workspaceId } = auth;
    await this.#deps.flowName(workspaceId, body.flowId);
    await this.#checkChannels(workspaceId, body.channels);
    if ((await this.#deps.rules.countInWorkspace(workspaceId)) >= ALERT_LIMITS.maxRulesPerWorkspace) {
      throw new ApiError(
        409,
        'too_many_rules',
        `A workspace has at most ${ALERT_LIMITS.maxRulesPerWorkspace} alert rules; delete one first`,
      );
    }
    const now = new Date();
    const record: AlertRuleRecord = {
      _id: newId('alr'),
      workspaceId,
      flowId: body.flowId,
      name: body.name,
      condition: body.condition,
      channels: body.channels,
      cooldownMinutes: body.cooldownMinutes,
      enabled: body.enabled,
      createdAt: now,
      updatedAt: now,
      activeSince: now,
      state: initialRuleState(),
    };
    await this.#deps.rules.insert(record);
    await this.#audit(auth, 'alert.create', record);
    return toRuleView(record);
  }

  async update(auth: AuthContext, id: string, body: z.output<typeof updateAlertRuleBody>): Promise<AlertRuleView> {
    const before = await this.#load(auth.workspaceId, id);
    if (body.channels !== undefined) await this.#checkChannels(auth.workspaceId, body.channels);
    const changes: AlertRuleChanges = {};
    if (body.name !== undefined) changes.name = body.name;
    if (body.condition !== undefined) changes.condition = body.condition;
    if (body.channels !== undefined) changes.channels = body.channels;
    if (body.cooldownMinutes !== undefined) changes.cooldownMinutes = body.cooldownMinutes;
    if (body.enabled !== undefined) changes.enabled = body.enabled;
    const restart =
      (body.condition !== undefined && JSON.stringify(body.condition) !== JSON.stringify(before.condition)) ||
      (body.enabled === true && !before.enabled);
    const updated = await this.#deps.rules.update(auth.workspaceId, id, changes, { now: new Date(), restart });
    if (updated === null) throw notFound('Alert rule', id);
    await this.#audit(auth, 'alert.update', updated, { changed: Object.keys(changes) });
    return toRuleView(updated);
  }

  async delete(auth: AuthContext, id: string): Promise<void> {
    const rule = await this.#load(auth.workspaceId, id);
    if (!(await this.#deps.rules.delete(auth.workspaceId, id))) throw notFound('Alert rule', id);
    await this.#audit(auth, 'alert.delete', rule);
  }

  /**
   * Sends a test alert through the rule's channels now.  Answers at once with the event, its deliveries `pending`:
   * a delivery retries for up to a minute, and its outcome shows in the rule's events.
   */
  async test(auth: AuthContext, id: string): Promise<AlertEventView> {
    const rule = await this.#load(auth.workspaceId, id);
    const flowName = await this.#deps.flowName(auth.workspaceId, rule.flowId);
    const at = new Date();
    const { delivery } = this.#deps;
    const event = delivery.newEvent({
      eventId: newId('alt'),
      kind: 'test',
      channels: rule.channels,
      message: {
        workspaceId: rule.workspaceId,
        ruleId: rule._id,
        ruleName: rule.name,
        kind: rule.condition.kind,
        flowId: rule.flowId,
        flowName,
        summary: `this is how rule "${rule.name}" will tell you about "${flowName}"`,
        at,
        test: true,
        link: this.#deps.flowLink(rule.flowId),
      },
    });
    await delivery.record(event);
    await delivery.handOver(event);
    await this.#audit(auth, 'alert.test', rule);
    return toEventView(event);
  }

  async events(
    workspaceId: string,
    filter: { flowId?: string | undefined; ruleId?: string | undefined; limit: number },
  ): Promise<AlertEventView[]> {
    if (filter.ruleId !== undefined) await this.#load(workspaceId, filter.ruleId);
    return (await this.#deps.events.list(workspaceId, filter)).map(toEventView);
  }

  async #load(workspaceId: string, id: string): Promise<AlertRuleRecord> {
    const rule = await this.#deps.rules.get(workspaceId, id);
    if (rule === null) throw notFound('Alert rule', id);
    return rule;
  }

  /** Each channel's credential is one of the workspace's, of the type its step needs (400 naming the field). */
  async #checkChannels(workspaceId: string, channels: AlertChannel[]): Promise<void> {
    const needed = channels.some((channel) => channel.credentialId !== undefined);
    const known = needed ? await this.#deps.credentials(workspaceId) : [];
    channels.forEach((channel, index) => {
      if (channel.credentialId === undefined) return;
      const found = known.find((credential) => credential.id === channel.credentialId);
      const field = `channels.${index}.credentialId`;
      if (!found) {
        throw new ApiError(
          400,
          'invalid_request',
          `${field}: no credential "${channel.credentialId}" in this workspace`,
        );
      }
      if (found.type !== CREDENTIAL_TYPE[channel.type]) {
        throw new ApiError(
          400,
          'invalid_request',
          `${field}: a ${channel.type} channel needs a ${CREDENTIAL_TYPE[channel.type]} credential, not ${found.type}`,
        );
      }
    });
  }

  async #audit(
    auth: AuthContext,
    action: string,
    rule: AlertRuleRecord,
    extra: Record<string, unknown> = {},
  ): Promise<void> {
    await this.#deps.audit.record(auth, {
      action,
      target: { type: 'alert_rule', id: rule._id },
      details: { flowId: rule.flowId, name: rule.name, condition: rule.condition.kind, ...extra },
    });
  }
}

export function toRuleView(rule: AlertRuleRecord): AlertRuleView {
  return {
    id: rule._id,
    flowId: rule.flowId,
    name: rule.name,
    condition: rule.condition,
    channels: rule.channels,
    cooldownMinutes: rule.cooldownMinutes,
    enabled: rule.enabled,
    createdAt: rule.createdAt.toISOString(),
    updatedAt: rule.updatedAt.toISOString(),
    status: rule.state.status,
    lastFiredAt: rule.state.lastFiredAt?.toISOString() ?? null,
    lastEvaluatedAt: rule.state.lastEvaluatedAt?.toISOString() ?? null,
  };
}

function toEventView(event: AlertEventRecord): AlertEventView {
  return {
    id: event._id,
    ruleId: event.ruleId,
    ruleName: event.ruleName,
    flowId: event.flowId,
    at: event.at.toISOString(),
    kind: event.kind,
    summary: event.summary,
    deliveries: Object.entries(event.deliveries)
      .sort(([a], [b]) => Number(a.slice(1)) - Number(b.slice(1)))
      .map(([, delivery]) => ({
        channel: delivery.channel,
        status: delivery.status,
        ...(delivery.error === undefined ? {} : { error: delivery.error }),
      })),
  };
}
