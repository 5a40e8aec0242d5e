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

  it('treats a field set to undefined as absent', () => {
    assert.deepEqual(validateConfig({ count: 1, mode: undefined, strict: { x: undefined } }, schema, {}), []);
  });

  it('names the path of an unknown key in a closed object', () => {
    assert.deepEqual(validateConfig({ count: 1, strict: { y: 1 } }, schema, {}), [
      { field: 'config.strict.y', message: 'strict › y is not a known setting' },
    ]);
  });

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

describe('validateConfig messages', () => {
  const rules: JsonSchema = {
    type: 'object',
    properties: {
      name: { type: 'string', minLength: 1, maxLength: 5 },
      code: { type: 'string', minLength: 3 },
      url: { type: 'string', format: 'uri' },
      site: { type: 'string', format: 'url' },
      ratio: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 },
      size: { type: 'integer', minimum: 1, maximum: 10 },
      tags: { type: 'array', minItems: 1, maxItems: 2, items: { type: 'string' } },
      kind: { const: 'fixed' },
      shape: { const: { w: 1 } },
      level: { enum: ['low', 'high', 3] },
      both: { allOf: [{ type: 'string' }, { minLength: 2 }] },
      flag: { type: 'boolean' },
      nothing: { type: 'null' },
      object: { type: 'object' },
      nullable: { type: ['string', 'null'] },
      port: { $ref: '#/definitions/Port' },
      spaced: { $ref: '#/$defs/My%20Type' },
      remote: { $ref: 'https://schemas.example.com/port.json#/$defs/Port' },
      remoteDefinition: { $ref: 'https://schemas.example.com/port.json#/definitions/Port' },
      children: { type: 'array', items: { $ref: '#' } },
      loose: { anyOf: [{ type: 'number' }, { type: 'boolean' }] },
      header: { type: 'string', pattern: '^[A-Za-z0-9-]+$' },
    },
    definitions: { Port: { type: 'integer', minimum: 1 } },
    $defs: { 'My Type': { type: 'string', maxLength: 2 } },
  };
  const cases: { config: Record<string, unknown>; messages: string[] }[] = [
    { config: { name: 'a', code: 'abc', size: 1, tags: ['x'], ratio: 0.5 }, messages: [] },
    { config: { name: 'abcde', size: 10, tags: ['x', 'y'] }, messages: [] },
    { config: { name: '' }, messages: ['name must not be empty'] },
    { config: { name: 'abcdef' }, messages: ['name must be at most 5 characters'] },
    { config: { code: 'ab' }, messages: ['code must be at least 3 characters'] },
    { config: { url: 'https://api.example.com/items?x=1', site: 'ftp://files.example.com' }, messages: [] },
    { config: { url: 'api.example.com' }, messages: ['url must be a full URL, such as https://api.example.com/items'] },
    {
      config: { url: 'see https://api.example.com' },
      messages: ['url must be a full URL, such as https://api.example.com/items'],
    },
    {
      config: { site: 'https://api.example.com/a b' },
      messages: ['site must be a full URL, such as https://api.example.com/items'],
    },
    { config: { ratio: 0 }, messages: ['ratio must be greater than 0'] },
    { config: { ratio: 1 }, messages: ['ratio must be less than 1'] },
    { config: { ratio: 'half' }, messages: ['ratio must be a number'] },
    { config: { size: 0 }, messages: ['size must be at least 1'] },
    { config: { size: 11 }, messages: ['size must be at most 10'] },
    { config: { tags: [] }, messages: ['tags needs at least 1 item(s)'] },
    { config: { tags: ['a', 'b', 'c'] }, messages: ['tags allows at most 2 item(s)'] },
    { config: { tags: 'a' }, messages: ['tags must be a list'] },
    { config: { kind: 'fixed', shape: { w: 1 } }, messages: [] },
    { config: { kind: 'other' }, messages: ['kind must be fixed'] },
    { config: { shape: { w: 2 } }, messages: ['shape must be {"w":1}'] },
    { config: { level: 3 }, messages: [] },
    { config: { level: 'mid' }, messages: ['level must be one of low, high, 3'] },
    { config: { both: 'ab' }, messages: [] },
    { config: { both: 'a' }, messages: ['both must be at least 2 characters'] },
    { config: { flag: 'yes' }, messages: ['flag must be true or false'] },
    { config: { nothing: 0 }, messages: ['nothing must be empty'] },
    { config: { object: [] }, messages: ['object must be an object'] },
    { config: { object: null }, messages: ['object must be an object'] },
    { config: { object: 'text' }, messages: ['object must be an object'] },
    { config: { nullable: 3 }, messages: ['nullable must be text or empty'] },
    { config: { port: 0 }, messages: ['port must be at least 1'] },
    { config: { spaced: 'abc' }, messages: ['spaced must be at most 2 characters'] },
    { config: { remote: 0 }, messages: [] },
    { config: { remoteDefinition: 0 }, messages: [] },
    { config: { children: [{ size: 3 }, { size: 30 }] }, messages: ['children › item 2 › size must be at most 10'] },
    { config: { loose: 2 }, messages: [] },
    { config: { loose: 'two' }, messages: ['loose does not match any of the accepted forms'] },
    { config: { loose: '{{ flag }}' }, messages: [] },
    { config: { header: 'X-Signature: sha256' }, messages: [] },
    { config: { children: [{ size: '{{ n }}' }], level: '{{ level }}', shape: { w: '{{ w }}' } }, messages: [] },
  ];
  for (const { config, messages } of cases) {
    it(`${JSON.stringify(config)} → ${messages.length ? messages.join('; ') : 'valid'}`, () => {
      assert.deepEqual(
        validateConfig(config, rules, {}).map((issue) => issue.message),
        messages,
      );
    });
  }

  it('reports a configuration that matches none of the forms its schema allows, on the whole configuration', () => {
    const either: JsonSchema = { type: 'object', anyOf: [{ required: ['a'] }, { required: ['b'] }] };
    assert.deepEqual(validateConfig({ a: 1 }, either, {}), []);
    assert.deepEqual(validateConfig({}, either, {}), [
      { field: 'config', message: 'The configuration does not match any of the accepted forms' },
    ]);
  });

  // The hand-written checker let a malformed schema through field by field; Ajv refuses to compile it, so the
  // node says the step's schema is unusable (the step package is broken) instead of pretending to check it.
  const malformed: { name: string; property: JsonSchema }[] = [
    { name: 'an unknown type', property: { type: 'date' } },
    { name: 'a type list holding a non-type', property: { type: ['integer', 7] } },
    { name: 'a form that is not a schema', property: { anyOf: [{ type: 'number' }, 'not a schema'] } },
    { name: 'a reference to a missing definition', property: { $ref: '#/$defs/Missing' } },
  ];
  for (const { name, property } of malformed) {
    it(`says the step's schema is unusable when it has ${name}`, () => {
      const issues = validateConfig({ field: 1 }, { type: 'object', properties: { field: property } }, {});
      assert.equal(issues.length, 1);
      assert.equal(issues[0]?.field, 'config');
      assert.match(
        issues[0]?.message ?? '',
        /^The configuration cannot be checked: the step's input schema is not usable \(schema/,
      );
    });
  }
});
