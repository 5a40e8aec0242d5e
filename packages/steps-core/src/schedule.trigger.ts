import { defineStep } from '@pipewright/step-sdk';
import { z } from 'zod';
import { parseScheduleCron } from './schedule-cron.ts';

/** A located problem with a schedule trigger's config, e.g. `{ field: 'config.cron', message }`. */
export interface ScheduleConfigIssue {
  field: 'config.cron' | 'config.timezone' | 'config.intervalSeconds';
  message: string;
}

/**
 * Checks what the compiler's JSON-Schema pass cannot: the cron syntax (Temporal's dialect, see schedule-cron.ts) and
 * the IANA time zone.  The server runs it before publishing, so a bad schedule never becomes a version.
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
    const cron = parseScheduleCron(config.cron ?? '');
    if (!cron.ok) issues.push({ field: 'config.cron', message: `Cron expression ${cron.problem}` });
    const zone = timeZoneProblem(config.timezone ?? 'UTC');
    if (zone) issues.push({ field: 'config.timezone', message: zone });
  } else if (
    config.intervalSeconds === undefined ||
    !Number.isInteger(config.intervalSeconds) ||
    config.intervalSeconds < 1
  ) {
    issues.push({ field: 'config.intervalSeconds', message: 'Interval must be a whole number of seconds, at least 1' });
  }
  return issues;
}

/**
 * Undefined when Temporal's time zone loader (Go's, reading the IANA database, case-sensitive) takes `name`.
 * Intl stands in for that database; it is more lenient in two ways we refuse: any letter case, and UTC offsets.
 */
function timeZoneProblem(name: string): string | undefined {
  const refused = `Time zone "${name}" is not an IANA time zone such as Europe/Berlin`;
  if (!/^[A-Za-z]/.test(name)) return refused;
  let canonical: string;
  try {
    canonical = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return refused;
  }
  if (canonical !== name && canonical.toLowerCase() === name.toLowerCase()) {
    return `Time zone "${name}" must be written "${canonical}": Temporal reads time zone names case-sensitively`;
  }
  return undefined;
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
        .describe('minute hour day-of-month month day-of-week (+ year, or second…year), e.g. 0 9 * * MON-FRI'),
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
