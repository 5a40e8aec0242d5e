import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkScheduleConfig, scheduleTrigger } from './schedule.trigger.ts';

describe('checkScheduleConfig', () => {
  const valid = [
    '0 9 * * MON-FRI',
    '*/5 * * * *',
    '0 0 1 JAN-JUN ?',
    '15,45 8-18/2 * * 1-5',
    '0 0 * * 7',
    '@daily',
    '@hourly',
  ];
  for (const cron of valid) {
    test(`accepts "${cron}"`, () => {
      assert.deepEqual(checkScheduleConfig({ mode: 'cron', cron, timezone: 'Europe/Berlin' }), []);
    });
  }

  const invalid: [string, RegExp][] = [
    ['', /required/],
    ['0 9 * *', /5 fields.*got 4/],
    ['0 9 * * * *', /got 6/],
    ['60 * * * *', /minute field "60"/],
    ['0 24 * * *', /hour/],
    ['0 0 0 * *', /day of month/],
    ['0 0 * 13 *', /month/],
    ['0 0 * * FUNDAY', /day of week/],
    ['0 0 * * 5-1', /day of week/],
    ['*/0 * * * *', /minute/],
    ['? * * * *', /minute/],
    ['@every 5m', /shortcut/],
  ];
  for (const [cron, message] of invalid) {
    test(`refuses "${cron}" on config.cron`, () => {
      const issues = checkScheduleConfig({ mode: 'cron', cron, timezone: 'UTC' });
      assert.equal(issues.length, 1);
      assert.equal(issues[0]?.field, 'config.cron');
      assert.match(issues[0]?.message ?? '', message);
    });
  }

  test('time zones must be IANA names', () => {
    assert.deepEqual(checkScheduleConfig({ mode: 'cron', cron: '* * * * *', timezone: 'America/New_York' }), []);
    const issues = checkScheduleConfig({ mode: 'cron', cron: '* * * * *', timezone: 'Berlin' });
    assert.deepEqual(
      issues.map((issue) => issue.field),
      ['config.timezone'],
    );
  });

  test('interval mode needs a whole number of seconds ≥ 1 and ignores cron', () => {
    assert.deepEqual(checkScheduleConfig({ mode: 'interval', intervalSeconds: 1, cron: 'nonsense' }), []);
    assert.equal(checkScheduleConfig({ mode: 'interval' })[0]?.field, 'config.intervalSeconds');
    assert.equal(checkScheduleConfig({ mode: 'interval', intervalSeconds: 0.5 })[0]?.field, 'config.intervalSeconds');
  });

  test('the step schema applies defaults and the same checks', () => {
    assert.deepEqual(scheduleTrigger.input.parse({ cron: '0 9 * * *' }), {
      mode: 'cron',
      cron: '0 9 * * *',
      timezone: 'UTC',
      overlap: 'skip',
      paused: false,
    });
    const refused = scheduleTrigger.input.safeParse({ cron: '0 9 * *' });
    assert.equal(refused.success, false);
    assert.deepEqual(refused.error?.issues[0]?.path, ['cron']);
  });
});
