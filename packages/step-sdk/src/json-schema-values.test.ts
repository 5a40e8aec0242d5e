import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { validateJsonSchemaValues } from './json-schema-values.ts';

// The schema as a package's manifest carries it: what toCredentialManifest emits for these fields.
const schema = z.toJSONSchema(
  z.object({
    host: z.string().min(3).max(20),
    port: z.number().int().min(1).max(65535).default(5432),
    mode: z.enum(['read', 'write']).default('read'),
    apiKey: z.string().min(1),
    tls: z.boolean().optional(),
  }),
  { io: 'input', unrepresentable: 'any' },
) as Record<string, unknown>;

describe('validateJsonSchemaValues', () => {
  it('accepts valid values and applies defaults', () => {
    const result = validateJsonSchemaValues(schema, { host: 'db.local', apiKey: 'k-123' });
    assert.deepEqual(result, {
      success: true,
      data: { host: 'db.local', apiKey: 'k-123', port: 5432, mode: 'read' },
    });
  });

  it('keeps given values over defaults', () => {
    const result = validateJsonSchemaValues(schema, { host: 'db.local', apiKey: 'k', port: 6543, tls: true });
    assert.equal(result.success && result.data.port, 6543);
    assert.equal(result.success && result.data.tls, true);
  });

  it('names a missing required field', () => {
    const result = validateJsonSchemaValues(schema, { host: 'db.local' });
    assert.deepEqual(result, { success: false, issues: [{ path: ['apiKey'], message: 'is required' }] });
  });

  it('refuses a wrong type, an integer rule and out-of-range lengths', () => {
    const result = validateJsonSchemaValues(schema, { host: 'ab', apiKey: 7, port: 1.5 });
    assert.equal(result.success, false);
    const paths = result.success ? [] : result.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    assert.deepEqual(paths.sort(), [
      'apiKey: must be text',
      'host: must be at least 3 characters',
      'port: must be a whole number',
    ]);
  });

  it('refuses a value outside the enum, and a number out of range', () => {
    const result = validateJsonSchemaValues(schema, { host: 'db.local', apiKey: 'k', mode: 'admin', port: 70000 });
    const messages = result.success ? [] : result.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    assert.deepEqual(messages.sort(), ['mode: must be one of read, write', 'port: must be at most 65535']);
  });

  it('refuses properties the schema does not describe', () => {
    const result = validateJsonSchemaValues(schema, { host: 'db.local', apiKey: 'k', extra: 'x' });
    assert.deepEqual(result, { success: false, issues: [{ path: ['extra'], message: 'is not a known field' }] });
  });

  for (const values of ['nope', null, [], 42]) {
    it(`refuses ${JSON.stringify(values)} where an object belongs`, () => {
      assert.deepEqual(validateJsonSchemaValues(schema, values), {
        success: false,
        issues: [{ path: [], message: 'must be an object' }],
      });
    });
  }

  it('refuses a non-object even when the schema does not name its type', () => {
    const untyped = { properties: { host: { type: 'string' } } };
    assert.deepEqual(validateJsonSchemaValues(untyped, 'nope'), {
      success: false,
      issues: [{ path: [], message: 'must be an object' }],
    });
  });

  const bounds: { name: string; values: Record<string, unknown>; issues: string[] }[] = [
    { name: 'the shortest host', values: { host: 'abc' }, issues: [] },
    { name: 'the longest host', values: { host: 'h'.repeat(20) }, issues: [] },
    {
      name: 'a host one too long',
      values: { host: 'h'.repeat(21) },
      issues: ['host: must be at most 20 characters'],
    },
    { name: 'the lowest port', values: { port: 1 }, issues: [] },
    { name: 'the highest port', values: { port: 65535 }, issues: [] },
    { name: 'port 0', values: { port: 0 }, issues: ['port: must be at least 1'] },
    { name: 'the other enum value', values: { mode: 'write' }, issues: [] },
    { name: 'a boolean', values: { tls: false }, issues: [] },
    { name: 'a text where a boolean belongs', values: { tls: 'yes' }, issues: ['tls: must be true or false'] },
    { name: 'an optional field left undefined', values: { tls: undefined }, issues: [] },
  ];
  for (const { name, values, issues } of bounds) {
    it(`${issues.length ? 'refuses' : 'accepts'} ${name}`, () => {
      const result = validateJsonSchemaValues(schema, { host: 'db.local', apiKey: 'k', ...values });
      if (!result.success) {
        assert.deepEqual(
          result.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`),
          issues,
        );
        return;
      }
      assert.deepEqual(issues, []);
      // An undefined field counts as absent: no value, no issue.
      const given = Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined));
      assert.deepEqual(result.data, { host: 'db.local', apiKey: 'k', port: 5432, mode: 'read', ...given });
    });
  }

  // Shapes zod emits for other field types (arrays, records, unions with null, any), checked value by value.
  const shapes = z.toJSONSchema(
    z.object({
      scopes: z.array(z.string()).default([]),
      headers: z.record(z.string(), z.string()).optional(),
      ratio: z.number().optional(),
      note: z.string().nullable().optional(),
      meta: z.unknown().optional(),
    }),
    { io: 'input', unrepresentable: 'any' },
  ) as Record<string, unknown>;
  const shapeCases: { name: string; values: Record<string, unknown>; issues: string[] }[] = [
    { name: 'a list of texts', values: { scopes: ['read', 'write'] }, issues: [] },
    { name: 'a list holding a number', values: { scopes: ['read', 7] }, issues: ['scopes.1: must be text'] },
    { name: 'an object where a list belongs', values: { scopes: {} }, issues: ['scopes: must be a list'] },
    { name: 'a map of texts', values: { headers: { 'x-a': '1' } }, issues: [] },
    {
      name: 'a map holding a number',
      values: { headers: { 'x-a': 1 } },
      issues: ['headers.x-a: must be text'],
    },
    { name: 'a fraction', values: { ratio: 0.25 }, issues: [] },
    { name: 'a text where a number belongs', values: { ratio: '0.25' }, issues: ['ratio: must be a number'] },
    { name: 'an infinite number', values: { ratio: Infinity }, issues: ['ratio: must be a number'] },
    { name: 'null where null is allowed', values: { note: null }, issues: [] },
    { name: 'a text where null is allowed', values: { note: 'hi' }, issues: [] },
    {
      name: 'a number where text or null belongs',
      values: { note: 3 },
      issues: ['note: must be text or empty'],
    },
    { name: 'any value where anything goes', values: { meta: { nested: [1, 'two'] } }, issues: [] },
  ];
  for (const { name, values, issues } of shapeCases) {
    it(`${issues.length ? 'refuses' : 'accepts'} ${name}`, () => {
      const result = validateJsonSchemaValues(shapes, values);
      assert.deepEqual(
        result.success ? [] : result.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`),
        issues,
      );
      if (result.success) assert.deepEqual(result.data, { scopes: [], ...values });
    });
  }

  it('refuses values when the schema names a type JSON Schema does not know, rather than letting them through', () => {
    const result = validateJsonSchemaValues({ type: 'object', properties: { when: { type: 'date' } } }, { when: 'x' });
    assert.equal(result.success, false);
    assert.deepEqual(result.success ? [] : result.issues.map((issue) => issue.path), [[]]);
    assert.match(
      result.success ? '' : (result.issues[0]?.message ?? ''),
      /^cannot be checked: its schema is not usable/,
    );
  });

  it('keeps a __proto__ field as data, and refuses it as an unknown field', () => {
    const result = validateJsonSchemaValues(
      schema,
      JSON.parse('{"host":"db.local","apiKey":"k","__proto__":{"admin":true}}'),
    );
    assert.deepEqual(result, { success: false, issues: [{ path: ['__proto__'], message: 'is not a known field' }] });
    assert.equal(({} as Record<string, unknown>).admin, undefined);
  });

  it('applies defaults and refuses unknown fields inside nested objects and list items', () => {
    const nested = z.toJSONSchema(
      z.object({ hosts: z.array(z.object({ name: z.string(), port: z.number().default(80) })) }),
      { io: 'input' },
    ) as Record<string, unknown>;
    assert.deepEqual(validateJsonSchemaValues(nested, { hosts: [{ name: 'a' }] }), {
      success: true,
      data: { hosts: [{ name: 'a', port: 80 }] },
    });
    assert.deepEqual(validateJsonSchemaValues(nested, { hosts: [{ name: 'a', nmae: 'b' }] }), {
      success: false,
      issues: [{ path: ['hosts', '0', 'nmae'], message: 'is not a known field' }],
    });
  });

  it('keeps undeclared fields when the schema allows any', () => {
    const loose = { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: true };
    assert.deepEqual(validateJsonSchemaValues(loose, { a: 'x', b: 2 }), { success: true, data: { a: 'x', b: 2 } });
  });

  it('gives every result its own copy of a default', () => {
    const first = validateJsonSchemaValues(shapes, {});
    assert.ok(first.success);
    (first.data.scopes as string[]).push('admin');
    assert.deepEqual(validateJsonSchemaValues(shapes, {}), { success: true, data: { scopes: [] } });
  });

  it('never echoes a value in its messages', () => {
    const result = validateJsonSchemaValues(schema, { host: 'x', apiKey: 12345678 });
    assert.ok(!JSON.stringify(result).includes('12345678'));
  });
});
