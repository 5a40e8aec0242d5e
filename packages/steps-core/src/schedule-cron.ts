import { Cron } from 'croner';

/**
 * Temporal's cron dialect (the server's `parseCronString`: 5, 6 or 7 fields, `x/y` = from x to the field's maximum,
 * names as prefixes, Sunday as 0 or 7, day of month AND day of week), translated to one croner pattern so the
 * times we compute are the times Temporal fires.  Forms croner has and Temporal lacks (`L`, `W`, `#`, `?`) are
 * refused; so are the Temporal forms this product does not offer in a cron field (`@every`, which is interval mode,
 * a `CRON_TZ=` prefix, which is the time zone field, and `# comments`).
 */

interface CronField {
  name: string;
  min: number;
  max: number;
  /** Full names matched by prefix, as Temporal does; the first name has value `min`. */
  names?: readonly string[];
  /** Shortest prefix of a name Temporal takes. */
  namePrefix?: number;
}

const SECOND: CronField = { name: 'second', min: 0, max: 59 };
const MINUTE: CronField = { name: 'minute', min: 0, max: 59 };
const HOUR: CronField = { name: 'hour', min: 0, max: 23 };
const DAY_OF_MONTH: CronField = { name: 'day of month', min: 1, max: 31 };
const MONTH: CronField = {
  name: 'month',
  min: 1,
  max: 12,
  names: [
    'january',
    'february',
    'march',
    'april',
    'may',
    'june',
    'july',
    'august',
    'september',
    'october',
    'november',
    'december',
  ],
  namePrefix: 3,
};
const DAY_OF_WEEK: CronField = {
  name: 'day of week',
  min: 0,
  max: 7,
  names: ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'],
  namePrefix: 2,
};
const YEAR: CronField = { name: 'year', min: 2000, max: 2100 };

/** The fields of a 5-, 6- or 7-field expression, as Temporal reads them. */
const LAYOUTS: Record<number, CronField[]> = {
  5: [MINUTE, HOUR, DAY_OF_MONTH, MONTH, DAY_OF_WEEK],
  6: [MINUTE, HOUR, DAY_OF_MONTH, MONTH, DAY_OF_WEEK, YEAR],
  7: [SECOND, MINUTE, HOUR, DAY_OF_MONTH, MONTH, DAY_OF_WEEK, YEAR],
};

/** Temporal's shortcuts (exact, lower case) and what it expands them to. */
const SHORTCUTS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

/** A cron expression read as Temporal reads it: the croner pattern with the same fire times, or what is wrong. */
export type ScheduleCron = { ok: true; pattern: string } | { ok: false; problem: string };

/**
 * Reads `expression` in Temporal's cron dialect.  `problem` completes the sentence "Cron expression …".
 *
 * @example parseScheduleCron('0 9 * * MON-FRI') // → { ok: true, pattern: '0,0-0/60 0 9 * * 1-5 *' }
 */
export function parseScheduleCron(expression: string): ScheduleCron {
  const text = expression.trim();
  if (text === '') return { ok: false, problem: 'is required in cron mode' };
  if (/^(CRON_)?TZ=/.test(text)) {
    return { ok: false, problem: `"${text}" has a time zone prefix: set the time zone field instead` };
  }
  if (text.includes('#')) {
    return { ok: false, problem: `"${text}" has "#": Temporal reads the rest as a comment, not as an nth weekday` };
  }
  if (text.startsWith('@every')) {
    return { ok: false, problem: `"${text}" is not a supported shortcut: choose Repeat = interval instead` };
  }
  const expanded = text.startsWith('@') ? SHORTCUTS[text] : text;
  if (expanded === undefined) {
    return { ok: false, problem: `"${text}" is not a known shortcut (${Object.keys(SHORTCUTS).join(', ')})` };
  }
  const parts = expanded.split(/\s+/);
  const layout = LAYOUTS[parts.length];
  if (!layout) {
    return {
      ok: false,
      problem: `needs 5 fields (minute hour day-of-month month day-of-week), 6 (…year) or 7 (second…year), got ${parts.length}`,
    };
  }
  const byField = new Map<CronField, string>();
  for (const [index, part] of parts.entries()) {
    const field = layout[index];
    if (!field) continue;
    const translated = translateField(part, field);
    if (translated === undefined) return { ok: false, problem: `has an invalid ${field.name} field "${part}"` };
    byField.set(field, translated);
  }
  // croner's 7-part order.  A step in the second field makes croner treat every job as an "interval" job, which
  // skips times in a DST gap and fires on both copies of a repeated hour, as Temporal does; croner's "fixed-time"
  // jobs (single second, minute and hour) would instead move into the gap and fire once.
  const second = byField.get(SECOND) ?? '0';
  const firstSecond = second.split(/[,-]/)[0] ?? '0';
  const pattern = [
    `${second},${firstSecond}-${firstSecond}/60`,
    ...[MINUTE, HOUR, DAY_OF_MONTH, MONTH, DAY_OF_WEEK].map((field) => byField.get(field) ?? '*'),
    byField.get(YEAR) ?? '*',
  ];
  const cronerPattern = pattern.join(' ');
  try {
    createCron(cronerPattern, 'UTC');
  } catch (error) {
    return {
      ok: false,
      problem: `"${text}" cannot be read: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
  return { ok: true, pattern: cronerPattern };
}

/**
 * The next `count` fire times of a valid cron schedule after `after`, as Temporal computes them (same dialect, day
 * of month AND day of week, DST gaps skipped and repeated hours fired twice).  Empty when the cron is invalid.
 *
 * @example nextScheduleFireTimes({ cron: '0 9 * * *', timezone: 'Europe/Berlin', after: new Date(0), count: 1 })
 */
export function nextScheduleFireTimes(options: { cron: string; timezone: string; after: Date; count: number }): Date[] {
  const parsed = parseScheduleCron(options.cron);
  if (!parsed.ok) return [];
  return createCron(parsed.pattern, options.timezone).nextRuns(options.count, options.after);
}

function createCron(pattern: string, timezone: string): Cron {
  return new Cron(pattern, { mode: '7-part', domAndDow: true, timezone, paused: true });
}

/** One field in croner's syntax with Temporal's meaning, or undefined when Temporal would refuse it. */
function translateField(part: string, field: CronField): string | undefined {
  const items: string[] = [];
  for (const item of part.split(',')) {
    const translated = translateItem(item, field);
    if (translated === undefined) return undefined;
    items.push(translated);
  }
  return items.join(',');
}

function translateItem(item: string, field: CronField): string | undefined {
  const [range, stepText, extra] = item.split('/');
  if (extra !== undefined || range === undefined) return undefined;
  if (stepText !== undefined && !/^\d+$/.test(stepText)) return undefined;
  const step = stepText === undefined ? 1 : Number(stepText);
  if (step < 1) return undefined;
  if (range === '*' && step === 1) return '*';
  let start = field.min;
  let end = field.max;
  if (range !== '*') {
    const [from, to, more] = range.split('-');
    if (more !== undefined || from === undefined) return undefined;
    const first = cronValue(from, field);
    if (first === undefined) return undefined;
    start = first;
    // A single value with a step runs to the field's maximum (Temporal's `x/y`); without one it is just itself.
    end = to === undefined ? (stepText === undefined ? first : field.max) : (cronValue(to, field) ?? -1);
    if (end < start) return undefined;
  }
  if (start === end || step > end - start) return String(start);
  return step === 1 ? `${start}-${end}` : `${start}-${end}/${step}`;
}

function cronValue(text: string, field: CronField): number | undefined {
  if (/^\d+$/.test(text)) {
    const value = Number(text);
    return value >= field.min && value <= field.max ? value : undefined;
  }
  const lower = text.toLowerCase();
  if (!field.names || lower.length < (field.namePrefix ?? 3)) return undefined;
  const index = field.names.findIndex((name) => name.startsWith(lower));
  return index >= 0 ? field.min + index : undefined;
}
