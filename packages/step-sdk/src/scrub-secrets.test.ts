import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { scrubSecrets } from './scrub-secrets.ts';

describe('scrubSecrets', () => {
  const cases: { name: string; value: unknown; secrets: string[]; expected: unknown }[] = [
    { name: 'a whole string', value: 'hunter2', secrets: ['hunter2'], expected: '[redacted]' },
    {
      name: 'every occurrence inside a string',
      value: 'login bob:hunter2 failed (hunter2)',
      secrets: ['hunter2'],
      expected: 'login bob:[redacted] failed ([redacted])',
    },
    {
      name: 'deep in objects and arrays',
      value: { a: [{ b: 'x hunter2 y' }, 'ok', 3, null, true], c: { d: { e: 'pw=s3cr3t' } } },
      secrets: ['hunter2', 's3cr3t'],
      expected: { a: [{ b: 'x [redacted] y' }, 'ok', 3, null, true], c: { d: { e: 'pw=[redacted]' } } },
    },
    {
      name: 'object keys',
      value: { 'token-abc123': 1 },
      secrets: ['abc123'],
      expected: { 'token-[redacted]': 1 },
    },
    {
      name: 'a longer secret that contains a shorter one, whole',
      value: 'key=abcdef',
      secrets: ['abc', 'abcdef'],
      expected: 'key=[redacted]',
    },
    {
      name: 'secrets with regular-expression characters, literally',
      value: 'p@ss.(w)*rd+ and pXss',
      secrets: ['p@ss.(w)*rd+'],
      expected: '[redacted] and pXss',
    },
    { name: 'nothing when no secret is given', value: { a: 'x' }, secrets: [], expected: { a: 'x' } },
    { name: 'nothing for an empty secret', value: 'abc', secrets: [''], expected: 'abc' },
    { name: 'numbers and booleans unchanged', value: [1234, false], secrets: ['1234'], expected: [1234, false] },
  ];
  for (const { name, value, secrets, expected } of cases) {
    it(`replaces ${name}`, () => {
      assert.deepEqual(scrubSecrets(value, secrets), expected);
    });
  }

  it('returns a copy and leaves the input unchanged', () => {
    const input = { message: 'token xyz', list: ['xyz'] };
    const output = scrubSecrets(input, ['xyz']);
    assert.deepEqual(input, { message: 'token xyz', list: ['xyz'] });
    assert.deepEqual(output, { message: 'token [redacted]', list: ['[redacted]'] });
  });

  it('survives cycles', () => {
    const node: Record<string, unknown> = { name: 'pw-1' };
    node.self = node;
    const output = scrubSecrets(node, ['pw-1']);
    assert.equal(output.name, '[redacted]');
    assert.equal(output.self, output);
  });
});
