import { nextScheduleFireTimes, parseScheduleCron } from '@pipewright/steps-core/schedule-cron';

/** What the schedule in the editor would do once published: its next fire times, or why it cannot fire. */
export type SchedulePreview = { ok: true; times: Date[]; timezone: string } | { ok: false; problem: string };

interface ScheduleConfig {
  mode?: unknown;
  cron?: unknown;
  timezone?: unknown;
  intervalSeconds?: unknown;
}

/**
 * The next `count` fire times of a schedule trigger's config after `now`, computed in the browser as Temporal will
 * compute them once published: cron in Temporal's dialect (@pipewright/steps-core schedule-cron.ts, croner), an
 * interval at whole multiples of it since the epoch (the server sets no offset).  Expressions are not evaluated: a
 * schedule's fields are plain values.
 */
export function previewSchedule(config: ScheduleConfig, now: Date, count = 5): SchedulePreview {
  const timezone = typeof config.timezone === 'string' && config.timezone !== '' ? config.timezone : 'UTC';
  if ((config.mode ?? 'cron') !== 'cron') {
    const seconds = config.intervalSeconds;
    if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 1) {
      return { ok: false, problem: 'Interval must be a whole number of seconds, at least 1' };
    }
    const every = seconds * 1000;
    const first = Math.floor(now.getTime() / every) * every + every;
    return { ok: true, times: Array.from({ length: count }, (_, index) => new Date(first + index * every)), timezone };
  }
  const cron = typeof config.cron === 'string' ? config.cron : '';
  const parsed = parseScheduleCron(cron);
  if (!parsed.ok) return { ok: false, problem: `Cron expression ${parsed.problem}` };
  try {
    new Intl.DateTimeFormat('en', { timeZone: timezone });
  } catch {
    return { ok: false, problem: `Time zone "${timezone}" is not known (use an IANA name such as Europe/Berlin)` };
  }
  return { ok: true, times: nextScheduleFireTimes({ cron, timezone, after: now, count }), timezone };
}
