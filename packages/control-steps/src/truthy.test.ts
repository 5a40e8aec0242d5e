/// <reference types="node" />
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isTruthy } from './truthy.ts';

describe('isTruthy (the If and Switch conditions)', () => {
  const cases: [unknown, boolean][] = [
    [true, true],
    [false, false],
    [null, false],
    [undefined, false],
    [0, false],
    [Number.NaN, false],
    [1, true],
    ['', false],
    ['no', true],
    [[], false],
    [[0], true],
    [{}, true],
  ];
  for (const [value, expected] of cases) {
    test(`${JSON.stringify(value) ?? String(value)} is ${expected ? 'true' : 'false'}`, () => {
      assert.equal(isTruthy(value), expected);
    });
  }
});
