import {
  ALERT_LIMITS,
  type AlertChannel,
  type AlertCondition,
  type AlertConditionKind,
  type AlertRuleView,
  type CreateAlertRuleBody,
} from '@pipewright/api-contract';

/** The rule editor's state: numbers as typed (strings), channels as edited. */
export interface AlertRuleForm {
  name: string;
  kind: AlertConditionKind;
  thresholdPercent: string;
  windowMinutes: string;
  minRuns: string;
  dlqThreshold: string;
  idleMinutes: string;
  waitingMinutes: string;
  cooldownMinutes: string;
  enabled: boolean;
  channels: ChannelForm[];
}

export interface ChannelForm {
  type: AlertChannel['type'];
  credentialId: string;
  from: string;
  /** Recipients, separated by commas or new lines. */
  to: string;
  url: string;
}

export const CONDITION_LABELS: Record<AlertConditionKind, string> = {
  failure_rate: 'Failure rate over a threshold',
  run_failed: 'A run fails',
  dlq_size: 'Failed-runs queue over a size',
  no_run: 'No run for a while (dead trigger)',
  waiting_age: 'Runs wait too long to start',
};

export const emptyChannel = (type: AlertChannel['type']): ChannelForm => ({
  type,
  credentialId: '',
  from: '',
  to: '',
  url: '',
});

export function newRuleForm(): AlertRuleForm {
  return {
    name: '',
    kind: 'run_failed',
    thresholdPercent: '20',
    windowMinutes: '60',
    minRuns: '5',
    dlqThreshold: '10',
    idleMinutes: '60',
    waitingMinutes: '5',
    cooldownMinutes: String(ALERT_LIMITS.cooldownMinutes.default),
    enabled: true,
    channels: [emptyChannel('email')],
  };
}

export function ruleToForm(rule: AlertRuleView): AlertRuleForm {
  const form: AlertRuleForm = {
    ...newRuleForm(),
    name: rule.name,
    kind: rule.condition.kind,
    cooldownMinutes: String(rule.cooldownMinutes),
    enabled: rule.enabled,
    channels: rule.channels.map((channel) => ({
      ...emptyChannel(channel.type),
      credentialId: channel.credentialId ?? '',
      ...(channel.type === 'email' ? { from: channel.from, to: channel.to.join(', ') } : {}),
      ...(channel.type === 'webhook' ? { url: channel.url } : {}),
    })),
  };
  const { condition } = rule;
  if (condition.kind === 'failure_rate') {
    form.thresholdPercent = String(condition.thresholdPercent);
    form.windowMinutes = String(condition.windowMinutes);
    form.minRuns = String(condition.minRuns);
  } else if (condition.kind === 'dlq_size') form.dlqThreshold = String(condition.threshold);
  else if (condition.kind === 'no_run') form.idleMinutes = String(condition.idleMinutes);
  else if (condition.kind === 'waiting_age') form.waitingMinutes = String(condition.minutes);
  return form;
}

/** The form as a request body; the server validates it and answers a 400 naming the field. */
export function formToBody(form: AlertRuleForm, flowId: string): CreateAlertRuleBody {
  return {
    flowId,
    name: form.name.trim(),
    condition: formCondition(form),
    channels: form.channels.map(formChannel),
    cooldownMinutes: Number(form.cooldownMinutes),
    enabled: form.enabled,
  };
}

function formCondition(form: AlertRuleForm): AlertCondition {
  switch (form.kind) {
    case 'failure_rate':
      return {
        kind: 'failure_rate',
        thresholdPercent: Number(form.thresholdPercent),
        windowMinutes: Number(form.windowMinutes),
        minRuns: Number(form.minRuns),
      };
    case 'run_failed':
      return { kind: 'run_failed' };
    case 'dlq_size':
      return { kind: 'dlq_size', threshold: Number(form.dlqThreshold) };
    case 'no_run':
      return { kind: 'no_run', idleMinutes: Number(form.idleMinutes) };
    case 'waiting_age':
      return { kind: 'waiting_age', minutes: Number(form.waitingMinutes) };
  }
}

function formChannel(channel: ChannelForm): AlertChannel {
  switch (channel.type) {
    case 'email':
      return {
        type: 'email',
        credentialId: channel.credentialId,
        from: channel.from.trim(),
        to: channel.to
          .split(/[\n,;]/)
          .map((address) => address.trim())
          .filter((address) => address !== ''),
      };
    case 'chat':
      return { type: 'chat', credentialId: channel.credentialId };
    case 'webhook':
      return {
        type: 'webhook',
        url: channel.url.trim(),
        ...(channel.credentialId === '' ? {} : { credentialId: channel.credentialId }),
      };
  }
}

/** One line a person reads in the rules list. */
export function describeCondition(condition: AlertCondition): string {
  switch (condition.kind) {
    case 'failure_rate':
      return `over ${condition.thresholdPercent} % of runs fail in ${condition.windowMinutes} min (at least ${condition.minRuns} runs)`;
    case 'run_failed':
      return 'a run fails';
    case 'dlq_size':
      return `more than ${condition.threshold} failed runs wait in the queue`;
    case 'no_run':
      return `no run for ${condition.idleMinutes} min`;
    case 'waiting_age':
      return `a run waits more than ${condition.minutes} min to start`;
  }
}

/** The credential type a channel needs (server/src/alerts/alerts.service.ts checks the same). */
export const CHANNEL_CREDENTIAL_TYPE: Record<AlertChannel['type'], string> = {
  email: 'smtp',
  chat: 'chat.webhook',
  webhook: 'bearerToken',
};
