/// <reference types="node" />
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { mergeWaitOf, runMerge } from './merge.ts';

describe('mergeWaitOf', () => {
  const cases: { config: Record<string, unknown>; expected: ReturnType<typeof mergeWaitOf> }[] = [
    { config: {}, expected: { wait: 'all', n: 1 } },
    { config: { wait: 'first' }, expected: { wait: 'first', n: 1 } },
    { config: { wait: 'anyN', n: 3 }, expected: { wait: 'anyN', n: 3 } },
    { config: { wait: 'anyN', n: 0 }, expected: { wait: 'anyN', n: 1 } },
    { config: { wait: 'anyN', n: -2 }, expected: { wait: 'anyN', n: 1 } },
    { config: { wait: 'anyN', n: 2.5 }, expected: { wait: 'anyN', n: 1 } },
    { config: { wait: 'anyN', n: '2' }, expected: { wait: 'anyN', n: 1 } },
    { config: { wait: 'some' }, expected: { wait: 'all', n: 1 } },
  ];
  for (const { config, expected } of cases) {
    test(`${JSON.stringify(config)} waits for ${expected.wait} (n = ${expected.n})`, () => {
      assert.deepEqual(mergeWaitOf(config), expected);
    });
  }
});

describe('runMerge', () => {
  const outputs: { name: string; config: Record<string, unknown>; inputs: unknown[]; output: unknown }[] = [
    { name: 'append (the default) flattens lists', config: {}, inputs: [[1, 2], 3, [4]], output: [1, 2, 3, 4] },
    { name: 'first passes its one input through', config: { wait: 'first' }, inputs: [[1], [2]], output: [1] },
    { name: 'first with nothing arrived', config: { wait: 'first' }, inputs: [], output: null },
    {
      name: 'byPosition merges item i of every input',
      config: { combine: 'byPosition' },
      inputs: [
        [{ a: 1 }, { a: 2 }, { a: 3 }],
        [{ b: 1 }, { b: 2 }],
      ],
      output: [{ a: 1, b: 1 }, { a: 2, b: 2 }, { a: 3 }],
    },
    {
      name: 'byPosition takes an input that is no list as a list of one',
      config: { combine: 'byPosition' },
      inputs: [{ a: 1 }, [{ b: 1 }, { b: 2 }]],
      output: [{ a: 1, b: 1 }, { b: 2 }],
    },
    {
      name: 'byPosition keeps the first present value where items are no objects',
      config: { combine: 'byPosition' },
      inputs: [[], ['x', 'y'], ['z']],
      output: ['x', 'y'],
    },
    {
      name: 'byPosition prefers objects over plain values, and null over nothing',
      config: { combine: 'byPosition' },
      inputs: [
        ['x', null],
        [{ b: 1 }, null],
      ],
      output: [{ b: 1 }, null],
    },
    {
      name: 'byKey joins objects with the same key across inputs, in order of first appearance',
      config: { combine: 'byKey', key: 'id' },
      inputs: [
        [
          { id: 1, a: 'x' },
          { id: 2, a: 'y' },
        ],
        [
          { id: 2, b: 'z' },
          { id: 3, b: 'w' },
        ],
      ],
      output: [
        { id: 1, a: 'x' },
        { id: 2, a: 'y', b: 'z' },
        { id: 3, b: 'w' },
      ],
    },
    {
      name: 'byKey keeps items without the key, and non-objects, as they are',
      config: { combine: 'byKey', key: 'id' },
      inputs: [
        [{ name: 'no id' }, 'text', { id: 1 }],
        [{ id: 1, n: 2 }, { name: 'no id either' }],
      ],
      output: [{ name: 'no id' }, 'text', { id: 1, n: 2 }, { name: 'no id either' }],
    },
    {
      name: 'byKey tells keys of different types apart',
      config: { combine: 'byKey', key: 'id' },
      inputs: [[{ id: 1 }], [{ id: '1' }]],
      output: [{ id: 1 }, { id: '1' }],
    },
  ];
  for (const { name, config, inputs, output } of outputs) {
    test(name, () => {
      assert.deepEqual(runMerge(config, inputs), { output, ports: ['out'] });
    });
  }

  test('byKey does not change the items it joins', () => {
    const left = { id: 1, a: 'x' };
    const right = { id: 1, b: 'y' };
    runMerge({ combine: 'byKey', key: 'id' }, [[left], [right]]);
    assert.deepEqual(
      [left, right],
      [
        { id: 1, a: 'x' },
        { id: 1, b: 'y' },
      ],
    );
  });

  const invalid: { config: unknown; message: string }[] = [
    { config: null, message: 'config must be an object' },
    { config: { combine: 'byKey' }, message: 'key: name the field to join on' },
    { config: { combine: 'byKey', key: '' }, message: 'key: name the field to join on' },
    { config: { combine: 'zip' }, message: 'combine: must be append, byPosition or byKey, got "zip"' },
  ];
  for (const { config, message } of invalid) {
    test(`refuses ${JSON.stringify(config)}: ${message}`, () => {
      assert.throws(() => runMerge(config, [[1]]), { message });
    });
  }
});
