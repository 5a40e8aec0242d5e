import type { AlertChannel, AlertConditionKind } from '@pipewright/api-contract';
import type { DeliverAlertInput } from '@pipewright/run-contract';

/** What an alert says, whatever the channel. */
export interface AlertMessage {
  workspaceId: string;
  ruleId: string;
  ruleName: string;
  kind: AlertConditionKind;
  flowId: string;
  flowName: string;
  summary: string;
  at: Date;
  test: boolean;
  /** The flow's runs in the web app, when the server knows its public address. */
  link?: string | undefined;
}

export function alertSubject(message: AlertMessage): string {
  return `${message.test ? '[test] ' : ''}Pipewright alert: ${message.ruleName} on ${message.flowName}`;
}

export function alertText(message: AlertMessage): string {
  return [
    message.test ? `Test alert (nothing is wrong): ${message.summary}` : message.summary,
    '',
    `Flow: ${message.flowName} (${message.flowId})`,
    `Rule: ${message.ruleName} (${message.kind})`,
    `At: ${message.at.toISOString()}`,
    ...(message.link === undefined ? [] : [`Runs: ${message.link}`]),
  ].join('\n');
}

/** The JSON a webhook channel receives. */
export function alertPayload(message: AlertMessage): Record<string, unknown> {
  return {
    type: 'pipewright.alert',
    test: message.test,
    workspaceId: message.workspaceId,
    rule: { id: message.ruleId, name: message.ruleName, kind: message.kind },
    flow: { id: message.flowId, name: message.flowName },
    summary: message.summary,
    at: message.at.toISOString(),
    ...(message.link === undefined ? {} : { link: message.link }),
  };
}

/**
 * The built-in step that sends the alert to a channel, with its input.  Credentials go by id (`credentials`, as in
 * a node's config): the worker resolves and decrypts them, scoped to the workspace, and scrubs them from errors.
 */
export function deliveryStep(channel: AlertChannel, message: AlertMessage): DeliverAlertInput['step'] {
  switch (channel.type) {
    case 'email':
      return {
        type: 'smtp.send',
        typeVersion: 1,
        input: {
          credentials: { smtp: channel.credentialId },
          from: channel.from,
          to: channel.to,
          subject: alertSubject(message),
          text: alertText(message),
        },
      };
    case 'chat':
      return {
        type: 'chat.sendMessage',
        typeVersion: 1,
        input: {
          credentials: { webhook: channel.credentialId },
          text: `*${alertSubject(message)}*\n${alertText(message)}`,
        },
      };
    case 'webhook':
      return {
        type: 'http.request',
        typeVersion: 1,
        input: {
          method: 'POST',
          url: channel.url,
          headers: { 'user-agent': 'Pipewright-Alerts' },
          body: alertPayload(message),
          responseFormat: 'text',
          ...(channel.credentialId === undefined ? {} : { credentials: { auth: channel.credentialId } }),
        },
      };
  }
}
