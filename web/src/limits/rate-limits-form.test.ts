import assert from 'node:assert/strict';
import { test } from 'node:test';
import { limitsOf, rowsOf } from './rate-limits-form.ts';

test('rows read back as the limits they show, * last', () => {
  const limits = {
    '*': { count: 600, per: 'm' as const },
    smtp: { count: 1, per: 's' as const },
    http: { count: 20, per: 's' as const },
  };
  const rows = rowsOf(limits);
  assert.deepEqual(
    rows.map((row) => row.connector),
    ['http', 'smtp', '*'],
  );
  assert.deepEqual(limitsOf(rows), { ok: true, limits });
});

test('a wrong row is named with what is wrong', () => {
  const row = (connector: string, count: string) => ({ connector, count, per: 's' as const });
  assert.deepEqual(limitsOf([row('http', '5'), row('http request', '5')]), {
    ok: false,
    row: 1,
    message: 'Connector: * or a connector type such as http or postgres',
  });
  assert.deepEqual(limitsOf([row('http', '5'), row(' http ', '6')]), {
    ok: false,
    row: 1,
    message: 'Connector: http is listed twice',
  });
  for (const count of ['0', '1.5', '', 'abc', '1000001']) {
    const checked = limitsOf([row('http', count)]);
    assert.ok(!checked.ok && checked.message.startsWith('Calls:'), `count ${JSON.stringify(count)}`);
  }
});
