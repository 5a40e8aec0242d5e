/// <reference types="node" />
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runSwitch } from './switch.ts';

describe('runSwitch', () => {
  const cases = [
    { id: 'big', condition: true },
    { id: 'even', condition: 1 },
    { id: 'vip', condition: '' },
  ];
  test('fires the first matching case, every matching case in mode all, else default', () => {
    assert.deepEqual(runSwitch({ cases }, 'x').ports, ['big']);
    assert.deepEqual(runSwitch({ cases, mode: 'first' }, 'x').ports, ['big']);
    assert.deepEqual(runSwitch({ cases, mode: 'all' }, 'x').ports, ['big', 'even']);
    assert.deepEqual(runSwitch({ cases: [{ id: 'vip', condition: false }], mode: 'all' }, 'x').ports, ['default']);
    assert.deepEqual(runSwitch({}, 'x'), { output: 'x', ports: ['default'] });
  });

  const invalid: { config: unknown; message: string }[] = [
    { config: 'cases', message: 'config must be an object' },
    { config: { cases: { id: 'a' } }, message: 'cases: must be a list' },
    { config: { cases: [{ id: 'a' }, 'b'] }, message: 'cases.1.id: must be a non-empty text' },
    { config: { cases: [{ id: 'a' }, { id: 2 }] }, message: 'cases.1.id: must be a non-empty text' },
    { config: { cases: [{ id: '', condition: true }] }, message: 'cases.0.id: must be a non-empty text' },
  ];
  for (const { config, message } of invalid) {
    test(`refuses ${JSON.stringify(config)}: ${message}`, () => {
      assert.throws(() => runSwitch(config, null), { message });
    });
  }
});
