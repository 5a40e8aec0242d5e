import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fillDefaults, type JsonSchema, validateConfig } from './validate-config.ts';

const schema: JsonSchema = {
  type: 'object',
  properties: {
    count: { type: 'integer', minimum: 1, maximum: 10 },
    mode: { anyOf: [{ type: 'string', enum: ['a', 'b'] }, { type: 'number' }] },
    strict: { type: 'object', properties: { x: { type: 'string' } }, additionalProperties: false },
    map: { type: 'object', additionalProperties: { type: 'number' } },
    tree: { $ref: '#/$defs/Tree' },
    list: { type: 'array', items: { type: 'string' }, default: ['x'] },
    nullable: { type: ['string', 'null'] },
  },
  required: ['count'],
  $defs: { Tree: { type: 'object', properties: { leaf: { type: 'boolean' } }, required: ['leaf'] } },
};

describe('validateConfig', () => {
  const cases: { name: string; config: Record<string, unknown>; expected: [string, RegExp][] }[] = [
    {
      name: 'a valid config',
      config: { count: 3, mode: 2, strict: { x: 'y' }, map: { a: 1 }, tree: { leaf: true }, nullable: null },
      expected: [],
    },
    {
      name: 'templates stand in for any type',
      config: { count: '{{ 1 + 2 }}', mode: '{{ x }}', tree: '{{ t }}', map: { a: '{{ n }}' } },
      expected: [],
    },
    { name: 'a missing required field', config: {}, expected: [['config.count', /^count is required$/]] },
    { name: 'a float for an integer', config: { count: 1.5 }, expected: [['config.count', /a whole number/]] },
    { name: 'a number out of range', config: { count: 11 }, expected: [['config.count', /at most 10/]] },
    {
      name: 'no anyOf branch matches',
      config: { count: 1, mode: 'c' },
      expected: [['config.mode', /does not match any/]],
    },
    {
      name: 'an unknown key in a closed object',
      config: { count: 1, strict: { y: 1 } },
      expected: [['config.strict.y', /not a known setting/]],
    },
    {
      name: 'additionalProperties schema',
      config: { count: 1, map: { a: 'one' } },
      expected: [['config.map.a', /a number/]],
    },
    { name: 'a $ref into $defs', config: { count: 1, tree: {} }, expected: [['config.tree.leaf', /is required/]] },
    {
      name: 'array items',
      config: { count: 1, list: ['ok', 2] },
      expected: [['config.list.1', /list › item 2 must be text/]],
    },
  ];
  for (const { name, config, expected } of cases) {
    it(name, () => {
      const issues = validateConfig(config, schema, {});
      assert.deepEqual(
        issues.map((issue) => issue.field),
        expected.map(([field]) => field),
      );
      for (const [index, issue] of issues.entries()) assert.match(issue.message, expected[index]?.[1] ?? /^$/);
    });
  }

  it('uses UI labels for top-level fields', () => {
    assert.deepEqual(validateConfig({}, schema, { count: 'Item count' }), [
      { field: 'config.count', message: 'Item count is required' },
    ]);
  });
});

describe('fillDefaults', () => {
  it('fills absent top-level fields with a copy of their default and keeps given ones', () => {
    const filled = fillDefaults({ count: 1 }, schema);
    assert.deepEqual(filled, { count: 1, list: ['x'] });
    assert.deepEqual(fillDefaults({ list: [] }, schema), { list: [] });
    const again = fillDefaults({}, schema);
    assert.notEqual(again.list, filled.list);
  });
});
