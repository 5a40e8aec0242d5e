import assert from 'node:assert/strict';
import { test } from 'node:test';
import { previewSchedule } from './schedule-preview.ts';

const now = new Date('2026-03-27T12:00:00Z');
const iso = (preview: ReturnType<typeof previewSchedule>) =>
  preview.ok ? preview.times.map((t) => t.toISOString()) : [];

test('weekday mornings in Berlin: the next fire times, across the change to summer time', () => {
  const preview = previewSchedule({ mode: 'cron', cron: '0 9 * * MON-FRI', timezone: 'Europe/Berlin' }, now, 3);
  // Friday 27 March 09:00 CET has passed; Monday 30 and Tuesday 31 are in CEST (UTC+2).
  assert.deepEqual(iso(preview), ['2026-03-30T07:00:00.000Z', '2026-03-31T07:00:00.000Z', '2026-04-01T07:00:00.000Z']);
});

test('an interval fires at whole multiples of it since the epoch', () => {
  const preview = previewSchedule({ mode: 'interval', intervalSeconds: 3600 }, new Date('2026-03-27T12:30:00Z'), 2);
  assert.deepEqual(iso(preview), ['2026-03-27T13:00:00.000Z', '2026-03-27T14:00:00.000Z']);
});

test('a schedule that cannot fire says why', () => {
  assert.deepEqual(previewSchedule({ mode: 'cron', cron: '0 9 * *' }, now), {
    ok: false,
    problem:
      'Cron expression needs 5 fields (minute hour day-of-month month day-of-week), 6 (…year) or 7 (second…year), got 4',
  });
  const zone = previewSchedule({ mode: 'cron', cron: '0 9 * * *', timezone: 'Mars/Olympus' }, now);
  assert.ok(!zone.ok && zone.problem.includes('Mars/Olympus'));
  const interval = previewSchedule({ mode: 'interval', intervalSeconds: 0 }, now);
  assert.ok(!interval.ok && interval.problem.startsWith('Interval'));
});
