import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jsonLength, jsonUtf8Slices, utf8Slices } from './json-text.ts';

const text = (slices: Iterable<Buffer>) => Buffer.concat([...slices]).toString('utf8');

const samples: unknown[] = [
  null,
  'plain',
  'quote " backslash \\ newline \n tab \t bell \u0007 emoji 😀 lone \ud800 end',
  42.5,
  true,
  [],
  {},
  [1, 'two', null, undefined, () => 1, { three: 3 }],
  { a: 1, skipped: undefined, fn: () => 1, nested: { list: [{ x: 'y' }], date: new Date(0) }, 'key "q"': 'v' },
  Object.assign(Object.create(null), { bare: [1, 2] }),
  { withToJSON: { toJSON: () => 'custom' } },
  { items: Array.from({ length: 2_000 }, (_, i) => ({ id: i, label: `row ${i} é€😀`.padEnd(300, '.') })) },
];

test('the slices, joined, are exactly JSON.stringify of the value, whatever the slice size', () => {
  for (const value of samples) {
    for (const size of [1, 2, 7, 1024, 1 << 20]) {
      assert.equal(text(jsonUtf8Slices(value, size)), JSON.stringify(value), `slices of ${size}`);
    }
  }
});

test('no slice is much larger than asked, so a 50 MB value is never one 50 MB buffer', () => {
  const big = { items: Array.from({ length: 20_000 }, (_, i) => ({ id: i, label: 'x'.repeat(200) })) };
  const slices = [...jsonUtf8Slices(big, 64 * 1024)];
  assert.ok(slices.length > 50, `${slices.length} slices`);
  assert.ok(Math.max(...slices.map((slice) => slice.length)) < 64 * 1024 + 512);
  const hugeString = [...jsonUtf8Slices('y'.repeat(300_000), 64 * 1024)];
  assert.ok(Math.max(...hugeString.map((slice) => slice.length)) <= 64 * 1024);
});

test('a slice never ends inside a surrogate pair', () => {
  const value = 'ab😀c😀😀d';
  for (let size = 1; size <= 4; size++) {
    const slices = [...utf8Slices(value, size)];
    assert.equal(text(slices), value, `slices of ${size}`);
    assert.ok(
      slices.every((slice) => !slice.toString('utf8').includes('\uFFFD')),
      `slices of ${size}`,
    );
  }
});

test('the measured length is JSON.stringify’s for strings with escapes and for nested values', () => {
  for (const value of samples.filter((_, i) => i !== 8 && i !== 10)) {
    assert.equal(jsonLength(value), JSON.stringify(value).length, JSON.stringify(value).slice(0, 40));
  }
  const record = { a: 'x"y', b: [1, 'é\n'], c: { d: null } };
  assert.equal(jsonLength(record), JSON.stringify(record).length);
});
