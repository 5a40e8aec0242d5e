import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkValue } from './check-value.ts';
import { compileSchema } from './compile-schema.ts';
import { patternRisk } from './pattern-risk.ts';

describe('compileSchema: a hostile schema', () => {
  const refused: { name: string; schema: unknown; problem: RegExp }[] = [
    { name: 'not an object', schema: [], problem: /^schema must be a JSON object/ },
    {
      name: 'an $id',
      schema: { properties: { a: { $id: 'https://x.example/a' } } },
      problem: /^schema\.properties\.a\.\$id is not allowed/,
    },
    {
      name: 'a __proto__ property',
      schema: JSON.parse('{"properties":{"__proto__":{"type":"string"}}}'),
      problem: /^schema\.properties\.__proto__ is a reserved name/,
    },
    {
      name: 'a nested $schema',
      schema: { properties: { a: { $schema: 'x' } } },
      problem: /\$schema must name a JSON Schema draft/,
    },
    { name: 'a huge pattern', schema: { pattern: 'a'.repeat(600) }, problem: /^schema\.pattern may have at most 512/ },
    {
      name: 'a backtracking patternProperties key',
      schema: { patternProperties: { '^(a+)+$': {} } },
      problem: /may take too long/,
    },
    {
      name: 'an unknown type',
      schema: { type: 'date' },
      problem: /^schema\.type must be equal to one of the allowed values/,
    },
    {
      name: 'a reference to a missing definition',
      schema: { $ref: '#/$defs/none' },
      problem: /can't resolve reference/,
    },
    { name: 'deep nesting', schema: nest(100), problem: /nests deeper than 64 levels/ },
    {
      name: 'too much JSON',
      schema: { enum: ['x'.repeat(300_000)] },
      problem: /characters of JSON; a schema may have at most/,
    },
  ];
  for (const { name, schema, problem } of refused) {
    it(`refuses ${name}`, () => {
      const compiled = compileSchema(schema);
      assert.equal(compiled.ok, false);
      assert.match(compiled.ok ? '' : `${compiled.problem.path} ${compiled.problem.message}`, problem);
    });
  }

  it('never fetches another document: a remote $ref stands for any value', () => {
    const compiled = compileSchema({ properties: { a: { $ref: 'https://evil.example/schema.json' } } });
    assert.ok(compiled.ok);
    assert.deepEqual(compiled.skipped, ['schema.properties.a.$ref']);
    assert.equal(compiled.validate({ a: 1 }), true);
  });

  it('leaves a pattern that may backtrack to the step (and stays fast)', () => {
    const schema = { properties: { a: { type: 'string', pattern: '^(a+)+$' } } };
    const started = performance.now();
    const checked = checkValue(schema, { a: `${'a'.repeat(40)}!` });
    assert.ok(performance.now() - started < 1000);
    assert.deepEqual(checked.ok && checked.skipped, ['schema.properties.a.pattern']);
  });

  it('ignores keywords and formats it does not know (zod emits `format: "includes"`)', () => {
    const compiled = compileSchema({ type: 'string', format: 'includes', 'x-ui': { widget: 'code' } });
    assert.ok(compiled.ok);
    assert.equal(compiled.validate('anything'), true);
  });

  it('compiles a schema once, by object and by text', () => {
    const schema = { type: 'object', properties: { a: { type: 'string' } } };
    const first = compileSchema(schema);
    assert.equal(compileSchema(schema), first);
    assert.equal(compileSchema(structuredClone(schema)), first);
  });
});

describe('patternRisk', () => {
  const cases: [string, boolean][] = [
    ['^[A-Za-z0-9-]+$', false],
    ['^ab.*', false],
    ['^(?:[a-z]+)?$', false],
    ['^(ab|cd)$', false],
    ['^\\d{4}-\\d{2}$', false],
    ['^(a+)+$', true],
    ['^(a|aa)*$', true],
    ['^(\\w+\\s?)*$', true],
    ['^((ab)*)+$', true],
    ['(a)\\1', true],
    ['^(?:[a-z]{1,10}){1,50}$', true],
  ];
  for (const [pattern, risky] of cases) {
    it(`${pattern} → ${risky ? 'may backtrack' : 'safe'}`, () => assert.equal(patternRisk(pattern), risky));
  }
});

function nest(levels: number): Record<string, unknown> {
  let schema: Record<string, unknown> = { type: 'string' };
  for (let level = 0; level < levels; level += 1) schema = { items: schema };
  return schema;
}
