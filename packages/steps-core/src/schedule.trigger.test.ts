import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkScheduleConfig, scheduleTrigger } from './schedule.trigger.ts';

describe('checkScheduleConfig', () => {
  const valid = [
    '0 9 * * MON-FRI',
    '*/5 * * * *',
    '0 0 1 JAN-JUN *',
    '0 12 * january-june monday,wed,fr',
    '15,45 8-18/2 * * 1-5',
    '5/20 * * * *',
    '0 0 * * 7',
    '0 9 * * * 2027',
    '30 0 9 * * * *',
    '@daily',
    '@hourly',
    '  @weekly  ',
  ];
  for (const cron of valid) {
    test(`accepts "${cron}"`, () => {
      assert.deepEqual(checkScheduleConfig({ mode: 'cron', cron, timezone: 'Europe/Berlin' }), []);
    });
  }

  const invalid: [string, RegExp][] = [
    ['', /required/],
    ['0 9 * *', /5 fields.*got 4/],
    ['0 9 * * * * * *', /got 8/],
    ['0 9 * * * 1999', /year field "1999"/],
    ['0 0 1 JAN-JUN ?', /day of week field "\?"/],
    ['0 0 L * *', /day of month field "L"/],
    ['0 0 * * 5L', /day of week/],
    ['0 0 15W * *', /day of month/],
    ['0 0 * * 5#2', /"#"/],
    ['0 0 * * M', /day of week/],
    ['0 0 * JU *', /month/],
    ['CRON_TZ=Europe/Berlin 0 9 * * *', /time zone field/],
    ['@DAILY', /shortcut/],
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
    assert.deepEqual(checkScheduleConfig({ mode: 'cron', cron: '* * * * *', timezone: 'US/Eastern' }), []);
    for (const timezone of ['Berlin', '+01:00', 'Local', '']) {
      const issues = checkScheduleConfig({ mode: 'cron', cron: '* * * * *', timezone });
      assert.deepEqual(
        issues.map((issue) => issue.field),
        ['config.timezone'],
        timezone,
      );
    }
    const lowerCase = checkScheduleConfig({ mode: 'cron', cron: '* * * * *', timezone: 'europe/berlin' });
    assert.match(lowerCase[0]?.message ?? '', /"Europe\/Berlin"/);
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
