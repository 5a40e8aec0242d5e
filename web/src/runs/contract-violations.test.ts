import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { violationsOf } from './contract-violations.ts';

describe('violationsOf: a flagged webhook delivery’s violations from its trigger output', () => {
  const cases: { name: string; output: unknown; expected: unknown }[] = [
    { name: 'no contract (mode off or reject)', output: { body: {} }, expected: undefined },
    { name: 'kept the contract', output: { contract: { valid: true, violations: [] } }, expected: undefined },
    {
      name: 'broke it',
      output: { contract: { valid: false, violations: [{ path: 'body.id', message: 'must be string' }, 'junk'] } },
      expected: [{ path: 'body.id', message: 'must be string' }],
    },
    { name: 'not an object', output: 'text', expected: undefined },
  ];
  for (const { name, output, expected } of cases) {
    it(name, () => assert.deepEqual(violationsOf(output), expected));
  }
});
