import { defineStep } from '@pipewright/step-sdk';
import { z } from 'zod';

const CRON_SHORTCUTS = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

interface CronField {
  name: string;
  min: number;
  max: number;
  names?: string[];
  /** Index of names[0]: months count from 1, days from 0. */
  namesFrom?: number;
  allowsQuestion?: boolean;
}

const CRON_FIELDS: CronField[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31, allowsQuestion: true },
  { name: 'month', min: 1, max: 12, names: MONTHS, namesFrom: 1 },
  { name: 'day of week', min: 0, max: 7, names: DAYS, namesFrom: 0, allowsQuestion: true },
];

/** A located problem with a schedule trigger's config, e.g. `{ field: 'config.cron', message }`. */
export interface ScheduleConfigIssue {
  field: 'config.cron' | 'config.timezone' | 'config.intervalSeconds';
  message: string;
}

/**
 * Checks what the compiler's JSON-Schema pass cannot: the cron syntax (5 fields, as Temporal reads them) and the
 * IANA time zone.  The server runs it before publishing, so a bad schedule never becomes a version.
 *
 * @example checkScheduleConfig({ mode: 'cron', cron: '0 9 * * MON-FRI', timezone: 'Europe/Berlin' }) // → []
 */
export function checkScheduleConfig(config: {
  mode?: string | undefined;
  cron?: string | undefined;
  timezone?: string | undefined;
  intervalSeconds?: number | undefined;
}): ScheduleConfigIssue[] {
  const issues: ScheduleConfigIssue[] = [];
  if ((config.mode ?? 'cron') === 'cron') {
    const problem = cronProblem(config.cron ?? '');
    if (problem) issues.push({ field: 'config.cron', message: `Cron expression ${problem}` });
    if (!isTimeZone(config.timezone ?? 'UTC')) {
      issues.push({
        field: 'config.timezone',
        message: `Time zone "${config.timezone ?? ''}" is not an IANA time zone such as Europe/Berlin`,
      });
    }
  } else if (
    config.intervalSeconds === undefined ||
    !Number.isInteger(config.intervalSeconds) ||
    config.intervalSeconds < 1
  ) {
    issues.push({ field: 'config.intervalSeconds', message: 'Interval must be a whole number of seconds, at least 1' });
  }
  return issues;
}

function isTimeZone(name: string): boolean {
  if (name.trim() === '') return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** Undefined when `expression` is a valid 5-field cron (or a shortcut such as @daily), else what is wrong. */
function cronProblem(expression: string): string | undefined {
  const text = expression.trim();
  if (text === '') return 'is required in cron mode';
  if (text.startsWith('@'))
    return CRON_SHORTCUTS.has(text.toLowerCase()) ? undefined : `"${text}" is not a known shortcut`;
  const parts = text.split(/\s+/);
  if (parts.length !== 5) {
    return `needs 5 fields (minute hour day-of-month month day-of-week), got ${parts.length}`;
  }
  for (const [index, part] of parts.entries()) {
    const field = CRON_FIELDS[index];
    if (field && !part.split(',').every((item) => isCronItem(item, field))) {
      return `has an invalid ${field.name} field "${part}"`;
    }
  }
  return undefined;
}

function isCronItem(item: string, field: CronField): boolean {
  if (item === '?' && field.allowsQuestion) return true;
  const [range, step, extra] = item.split('/');
  if (extra !== undefined || range === undefined) return false;
  if (step !== undefined && !/^[1-9]\d*$/.test(step)) return false;
  if (range === '*') return true;
  const [from, to, more] = range.split('-');
  if (more !== undefined || from === undefined) return false;
  const start = cronValue(from, field);
  if (start === undefined) return false;
  if (to === undefined) return true;
  const end = cronValue(to, field);
  return end !== undefined && end >= start;
}

function cronValue(text: string, field: CronField): number | undefined {
  if (/^\d{1,2}$/.test(text)) {
    const value = Number(text);
    return value >= field.min && value <= field.max ? value : undefined;
  }
  const index = field.names?.indexOf(text.toUpperCase()) ?? -1;
  return index >= 0 ? index + (field.namesFrom ?? 0) : undefined;
}

/**
 * Starts runs on a Temporal Schedule (cron in a time zone, or a fixed interval).  The server creates or updates the
 * schedule when a version is published; the trigger's output is the time the run was scheduled for.
 */
export const scheduleTrigger = defineStep({
  type: 'core.schedule',
  version: 1,
  kind: 'trigger',
  title: 'Schedule',
  description: 'Starts the flow on a cron schedule in a time zone, or every N seconds.',
  keywords: ['cron', 'timer', 'interval', 'every', 'daily', 'trigger'],
  input: z
    .object({
      mode: z.enum(['cron', 'interval']).default('cron').describe('Cron expression, or a fixed interval'),
      cron: z
        .string()
        .optional()
        .describe('5 fields: minute hour day-of-month month day-of-week, e.g. 0 9 * * MON-FRI'),
      timezone: z.string().default('UTC').describe('IANA time zone the cron is read in, e.g. Europe/Berlin'),
      intervalSeconds: z.number().int().min(1).optional().describe('Interval mode: seconds between runs'),
      overlap: z
        .enum(['skip', 'bufferOne', 'allowAll', 'cancelOther'])
        .default('skip')
        .describe('When the previous run is still going: skip, queue one, run both, or cancel the old one'),
      paused: z.boolean().default(false).describe('Publish the schedule paused'),
    })
    .superRefine((config, context) => {
      for (const issue of checkScheduleConfig(config)) {
        context.addIssue({ code: 'custom', path: [issue.field.replace('config.', '')], message: issue.message });
      }
    }),
  output: z.object({ scheduledAt: z.string().describe('ISO time the run was scheduled for') }),
  ui: {
    mode: { label: 'Repeat', widget: 'select', order: 1 },
    cron: { label: 'Cron', placeholder: '0 9 * * MON-FRI', order: 2 },
    timezone: { label: 'Time zone', placeholder: 'Europe/Berlin', order: 3 },
    intervalSeconds: { label: 'Every (seconds)', widget: 'number', order: 4 },
    overlap: { label: 'If still running', widget: 'select', order: 5 },
    paused: { label: 'Paused', widget: 'toggle', order: 6 },
  },
});
