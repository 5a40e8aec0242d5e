import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toJsonRecord, toJsonSafe } from './json-safe.ts';

// Column names and JSON columns come from the database: a `__proto__` one is data, never the copy's prototype.
test('a __proto__ column or JSON key stays an own key of the row', () => {
  const row = Object.defineProperty({ id: 1 }, '__proto__', {
    value: { polluted: 'yes' },
    enumerable: true,
    configurable: true,
    writable: true,
  });
  for (const copy of [toJsonRecord(row), toJsonSafe(row)]) {
    assert.equal(Object.getPrototypeOf(copy), Object.prototype);
    assert.equal(Reflect.get(Object(copy), 'polluted'), undefined);
    assert.equal(JSON.stringify(copy), '{"id":1,"__proto__":{"polluted":"yes"}}');
  }
  assert.equal(Reflect.get({}, 'polluted'), undefined);
});
