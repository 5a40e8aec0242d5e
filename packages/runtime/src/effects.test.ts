/// <reference types="node" />
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isStepFailure } from './effects.ts';

test('a step failure is what the effects port rejects with: a message and the attempts made', () => {
  const cases: [unknown, boolean][] = [
    [{ message: 'HTTP 500', attempts: 3 }, true],
    [{ message: 'HTTP 500', attempts: 3, details: { status: 500 } }, true],
    [{ message: 500, attempts: 3 }, false],
    [{ message: 'HTTP 500', attempts: '3' }, false],
    [{ message: 'HTTP 500' }, false],
    [{ attempts: 3 }, false],
    [new Error('HTTP 500'), false],
    [null, false],
    ['HTTP 500', false],
  ];
  for (const [value, expected] of cases) assert.equal(isStepFailure(value), expected, JSON.stringify(value));
});
