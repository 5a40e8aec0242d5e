import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { nextScheduleFireTimes, parseScheduleCron } from './schedule-cron.ts';

const iso = (dates: Date[]) => dates.map((date) => date.toISOString());

describe('parseScheduleCron', () => {
  // Temporal's meaning, in croner's syntax (the second field's `n-n/60` item only marks the job for DST handling).
  const translations: [string, string][] = [
    ['0 9 * * MON-FRI', '0,0-0/60 0 9 * * 1-5 *'],
    ['*/15 * * * *', '0,0-0/60 0-59/15 * * * * *'],
    ['5/20 * * * *', '0,0-0/60 5-59/20 * * * * *'],
    ['*/90 * * * *', '0,0-0/60 0 * * * * *'],
    ['0 12 * jan-jun mo,wed,friday', '0,0-0/60 0 12 * 1-6 1,3,5 *'],
    ['0 0 * * 5-7', '0,0-0/60 0 0 * * 5-7 *'],
    ['@weekly', '0,0-0/60 0 0 * * 0 *'],
    ['0 9 * * * 2027', '0,0-0/60 0 9 * * * 2027'],
    ['15,45 0 9 * * * *', '15,45,15-15/60 0 9 * * * *'],
  ];
  for (const [cron, pattern] of translations) {
    test(`reads "${cron}" as Temporal does`, () => {
      assert.deepEqual(parseScheduleCron(cron), { ok: true, pattern });
    });
  }
});

describe('nextScheduleFireTimes', () => {
  test('day of month AND day of week, as Temporal (not the Vixie-cron OR)', () => {
    const after = new Date('2026-12-07T10:00:00Z');
    // Fridays that are the 13th.
    assert.deepEqual(iso(nextScheduleFireTimes({ cron: '0 0 13 * 5', timezone: 'UTC', after, count: 2 })), [
      '2027-08-13T00:00:00.000Z',
      '2028-10-13T00:00:00.000Z',
    ]);
  });

  test('in a time zone, skipping a DST gap and firing on both copies of a repeated hour', () => {
    const timezone = 'America/New_York';
    const fallBack = new Date('2026-10-31T12:00:00Z');
    assert.deepEqual(iso(nextScheduleFireTimes({ cron: '30 1 * * *', timezone, after: fallBack, count: 3 })), [
      '2026-11-01T05:30:00.000Z',
      '2026-11-01T06:30:00.000Z',
      '2026-11-02T06:30:00.000Z',
    ]);
    const springForward = new Date('2027-03-13T12:00:00Z');
    assert.deepEqual(iso(nextScheduleFireTimes({ cron: '30 2 * * *', timezone, after: springForward, count: 2 })), [
      '2027-03-15T06:30:00.000Z',
      '2027-03-16T06:30:00.000Z',
    ]);
  });

  test('an invalid cron has no fire times', () => {
    assert.deepEqual(nextScheduleFireTimes({ cron: '0 0 L * *', timezone: 'UTC', after: new Date(0), count: 3 }), []);
  });
});
