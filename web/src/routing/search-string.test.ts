import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSearchString, stringifySearch } from './search-string.ts';

test('query strings read as flat text: numbers, booleans and JSON stay strings, the last repeat wins', () => {
  assert.deepEqual(parseSearchString('?version=3&key=true&flow=%7B%22a%22%3A1%7D&status=a&status=failed'), {
    version: '3',
    key: 'true',
    flow: '{"a":1}',
    status: 'failed',
  });
  assert.deepEqual(parseSearchString(''), {});
  assert.deepEqual(parseSearchString('?key=orderId%3DA%26B+1'), { key: 'orderId=A&B 1' });
});

test('search objects write as plain pairs: no quotes around numbers, empty and missing values left out', () => {
  assert.equal(
    stringifySearch({ flow: '123', version: 3, status: '', to: undefined, from: null }),
    '?flow=123&version=3',
  );
  assert.equal(stringifySearch({}), '');
  assert.equal(stringifySearch({ key: 'orderId=A&B 1', nested: { a: 1 } }), '?key=orderId%3DA%26B+1');
  const search = { key: 'orderId=A&B 1', from: '2026-01-02T03:04' };
  assert.deepEqual(parseSearchString(stringifySearch(search)), search);
});
