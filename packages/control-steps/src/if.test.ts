/// <reference types="node" />
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runIf } from './if.ts';

describe('runIf', () => {
  test('fires true or false and passes its input on unchanged', () => {
    const input = { id: 7 };
    assert.deepEqual(runIf({ condition: [1] }, input), { output: input, ports: ['true'] });
    assert.deepEqual(runIf({ condition: [] }, input), { output: input, ports: ['false'] });
    assert.deepEqual(runIf('not a config', input), { output: input, ports: ['false'] });
  });
});
