/// <reference types="node" />
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeRunKeyValue, encodeRunKeyValue, MAX_RUN_KEY_VALUE_LENGTH } from '@pipewright/run-contract';
import { runKeysOf } from './run-keys.ts';

const searchable = (expression: string, name = 'key') => ({ searchable: [{ name, expression }] });

test('run keys: each searchable field over the trigger, as name=value', async () => {
  const cases: [string, unknown, string[]][] = [
    ['{{ trigger.body.orderId }}', { body: { orderId: 'A-1' } }, ['key=A-1']],
    ['{{ trigger.body.orderId }}', { body: { orderId: 42 } }, ['key=42']],
    ['order-{{ trigger.body.id }}', { body: { id: 7 } }, ['key=order-7']],
    ['{{ trigger.body.missing }}', { body: {} }, []],
    ['{{ trigger.body.empty }}', { body: { empty: '' } }, []],
    ['{{ trigger.body.obj }}', { body: { obj: { a: 1 } } }, ['key={%22a%22:1}']],
    ['{{ trigger.body.q }}', { body: { q: `a"b'c\\d%e` } }, ['key=a%22b%27c%5Cd%25e']],
    ['{{ $error("boom") }}', {}, []],
  ];
  for (const [expression, trigger, expected] of cases) {
    assert.deepEqual(await runKeysOf(searchable(expression), trigger), expected, expression);
  }
  assert.deepEqual(await runKeysOf({}, {}), []);
});

test('run key values are cut to the limit and decode back', async () => {
  const [item] = await runKeysOf(searchable('{{ trigger.v }}'), { v: 'x'.repeat(500) });
  assert.equal(item, `key=${'x'.repeat(MAX_RUN_KEY_VALUE_LENGTH)}`);
  const hostile = `"' \\ \n % OR 1=1`;
  assert.equal(decodeRunKeyValue(encodeRunKeyValue(hostile)), hostile);
  assert.doesNotMatch(encodeRunKeyValue(hostile), /["'\\\n]/);
});
