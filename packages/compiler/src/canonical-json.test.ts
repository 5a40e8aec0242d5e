import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalJson } from './canonical-json.ts';

describe('canonicalJson', () => {
  const cases: { name: string; value: unknown; expected: string }[] = [
    {
      name: 'sorts keys at every level',
      value: { b: 1, a: { d: 2, c: [3, { f: 4, e: 5 }] } },
      expected: '{"a":{"c":[3,{"e":5,"f":4}],"d":2},"b":1}',
    },
    { name: 'keeps array order', value: [3, 1, 2], expected: '[3,1,2]' },
    {
      name: 'drops undefined properties, nulls undefined items',
      value: { a: undefined, b: [undefined] },
      expected: '{"b":[null]}',
    },
    { name: 'writes non-finite numbers as null', value: { n: Number.NaN }, expected: '{"n":null}' },
    { name: 'escapes strings like JSON', value: { 'k"': 'line\nbreak' }, expected: '{"k\\"":"line\\nbreak"}' },
    { name: 'scalars', value: 'x', expected: '"x"' },
    { name: 'null', value: null, expected: 'null' },
    { name: 'nothing at all', value: undefined, expected: 'null' },
    { name: 'big integers, as digits', value: { n: 12345678901234567890n }, expected: '{"n":12345678901234567890}' },
    {
      name: 'sorts many keys given in reverse',
      value: { e: 5, d: 4, c: 3, b: 2, a: 1 },
      expected: '{"a":1,"b":2,"c":3,"d":4,"e":5}',
    },
  ];
  for (const { name, value, expected } of cases) {
    it(name, () => assert.equal(canonicalJson(value), expected));
  }

  it('gives the same string for the same data built in a different key order', () => {
    const one = { flowId: 'f', nodes: [{ id: 'a', retry: { maxAttempts: 3, initialIntervalMs: 1 } }] };
    const two = { nodes: [{ retry: { initialIntervalMs: 1, maxAttempts: 3 }, id: 'a' }], flowId: 'f' };
    assert.equal(canonicalJson(one), canonicalJson(two));
    assert.deepEqual(JSON.parse(canonicalJson(one)), one);
  });
});
