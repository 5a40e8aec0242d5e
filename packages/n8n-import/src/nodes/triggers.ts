import { UntranslatableError } from '../js-expression.ts';
import { IDENTITY, listOf, type NodeTranslator, recordOf } from '../node-translation.ts';
import { own } from '../to-jsonata.ts';

const WEBHOOK_METHODS = new Set(['POST', 'PUT', 'PATCH', 'GET']);

/** n8n Webhook → Webhook trigger.  n8n's item is `{ headers, params, query, body }`; Pipewright's has no params. */
export const webhookTranslator: NodeTranslator = {
  isTrigger: true,
  shape: () => ({
    kind: 'map',
    map: (path) => {
      if (path[0] === 'params') {
        throw new UntranslatableError('the webhook path parameters ($json.params) have no Pipewright counterpart');
      }
      return path;
    },
  }),
  translate(context) {
    const { parameters } = context.node;
    const requested = typeof parameters.httpMethod === 'string' ? parameters.httpMethod.toUpperCase() : 'GET';
    const method = WEBHOOK_METHODS.has(requested) ? requested : 'POST';
    if (method !== requested) {
      context.report(
        `HTTP method ${requested} is not accepted by Pipewright webhooks; it accepts POST now`,
        'httpMethod',
      );
    }
    const config: Record<string, unknown> = { method };
    const responseMode = parameters.responseMode;
    if (responseMode === 'lastNode') config.responseMode = 'waitForRun';
    if (responseMode === 'responseNode') {
      context.report(
        'answers through a "Respond to Webhook" node, which is not imported: the sender gets 202',
        'responseMode',
      );
    }
    if (typeof parameters.authentication === 'string' && parameters.authentication !== 'none') {
      context.report(
        `n8n ${parameters.authentication} is not imported: choose a signature check (verification) on the webhook`,
        'authentication',
      );
    }
    if (typeof parameters.path === 'string' && parameters.path !== '') {
      context.report(
        `n8n path "${parameters.path}" is not kept: the flow gets its own webhook URL; point the sender at it`,
        'path',
      );
    }
    return { type: 'core.webhook', config, ports: ['out'] };
  },
};

/** n8n Manual Trigger ("When clicking 'Test workflow'") → Manual trigger. */
export const manualTranslator: NodeTranslator = {
  isTrigger: true,
  shape: () => IDENTITY,
  translate: () => ({ type: 'core.manual', config: {}, ports: ['out'] }),
};

const SECONDS: Record<string, number> = { seconds: 1, minutes: 60, hours: 3600 };

/**
 * n8n Schedule Trigger → Schedule trigger.  Its item has `timestamp` (ISO), which Pipewright calls `scheduledAt`;
 * n8n's other date parts (Readable date, Day of week, …) are not there.
 */
export const scheduleTranslator: NodeTranslator = {
  isTrigger: true,
  shape: () => ({
    kind: 'map',
    map: (path) => {
      if (path[0] === 'timestamp') return ['scheduledAt', ...path.slice(1)];
      throw new UntranslatableError(
        `the schedule's "${String(path[0] ?? '')}" has no Pipewright counterpart (only timestamp → scheduledAt)`,
      );
    },
  }),
  translate(context) {
    const intervals = listOf(recordOf(context.node.parameters.rule).interval).map(recordOf);
    if (intervals.length > 1) {
      context.report(
        `has ${intervals.length} schedule rules; Pipewright schedules one: the first is kept`,
        'rule.interval',
      );
    }
    const rule = intervals[0] ?? {};
    const timezone = context.timezone ?? 'UTC';
    if (context.timezone === undefined) {
      context.report('n8n used the instance time zone; the schedule runs in UTC: set the time zone', 'rule');
    }
    const config = scheduleConfig(rule, timezone, (problem) => context.report(problem, 'rule.interval.0'));
    return { type: 'core.schedule', config, ports: ['out'] };
  },
};

function scheduleConfig(
  rule: Record<string, unknown>,
  timezone: string,
  report: (problem: string) => void,
): Record<string, unknown> {
  const field = typeof rule.field === 'string' ? rule.field : 'days';
  const count = (key: string): number => (typeof rule[key] === 'number' && rule[key] > 0 ? Number(rule[key]) : 1);
  const hour = typeof rule.triggerAtHour === 'number' ? rule.triggerAtHour : 0;
  const minute = typeof rule.triggerAtMinute === 'number' ? rule.triggerAtMinute : 0;
  const cron = (expression: string) => ({ mode: 'cron', cron: expression, timezone });
  const seconds = own(SECONDS, field);
  if (seconds !== undefined) {
    const key = `${field}Interval`;
    const n = count(key);
    if (field === 'hours' && minute !== 0) return cron(`${minute} ${n > 1 ? `*/${n}` : '*'} * * *`);
    return { mode: 'interval', intervalSeconds: n * seconds };
  }
  switch (field) {
    case 'days': {
      const n = count('daysInterval');
      return cron(`${minute} ${hour} ${n > 1 ? `*/${n}` : '*'} * *`);
    }
    case 'weeks': {
      if (count('weeksInterval') > 1) report('"every N weeks" has no cron form: it runs every week');
      const days = listOf(rule.triggerAtDay).filter((day) => typeof day === 'number');
      return cron(`${minute} ${hour} * * ${days.length > 0 ? days.join(',') : '0'}`);
    }
    case 'months': {
      const n = count('monthsInterval');
      const day = typeof rule.triggerAtDayOfMonth === 'number' ? rule.triggerAtDayOfMonth : 1;
      return cron(`${minute} ${hour} ${day} ${n > 1 ? `*/${n}` : '*'} *`);
    }
    case 'cronExpression': {
      const parts = (typeof rule.expression === 'string' ? rule.expression : '').trim().split(/\s+/);
      // n8n also takes a 6-field cron whose first field is the second.
      if (parts.length === 6) {
        if (parts[0] !== '0' && parts[0] !== '*')
          report(`the seconds field "${parts[0]}" is dropped: Pipewright cron has minutes`);
        return cron(parts.slice(1).join(' '));
      }
      return cron(parts.join(' '));
    }
    default:
      report(`schedule rule "${field}" is not translated: it runs daily at midnight`);
      return cron('0 0 * * *');
  }
}
