import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CONTRACT_FORMATS, CONTRACT_LIMITS, checkContractSchema, compileContract } from './index.ts';

const orderSchema = {
  type: 'object',
  properties: {
    order: {
      type: 'object',
      properties: {
        id: { type: 'string' },
        lines: { type: 'array', items: { type: 'object', properties: { sku: { type: 'string' } }, required: ['sku'] } },
      },
      required: ['id'],
      additionalProperties: false,
    },
  },
  required: ['order'],
};

function compiled(schema: unknown) {
  const result = compileContract(schema);
  if (!result.ok)
    throw new Error(`expected ${JSON.stringify(schema)} to compile: ${result.problem.path}: ${result.problem.message}`);
  return result.contract;
}

describe('compileContract: violations name the failing field by path', () => {
  const contract = compiled(orderSchema);
  const cases: { body: unknown; path: string; message: string }[] = [
    { body: { order: { id: 7 } }, path: 'body.order.id', message: 'must be string' },
    { body: { order: {} }, path: 'body.order.id', message: 'is required' },
    { body: {}, path: 'body.order', message: 'is required' },
    { body: { order: { id: 'a', extra: 1 } }, path: 'body.order.extra', message: 'is not an allowed property' },
    {
      body: { order: { id: 'a', lines: [{ sku: 'x' }, {}] } },
      path: 'body.order.lines[1].sku',
      message: 'is required',
    },
    { body: 'text', path: 'body', message: 'must be object' },
  ];
  for (const { body, path, message } of cases) {
    it(`${JSON.stringify(body)} → ${path}: ${message}`, () => {
      assert.deepEqual(contract.check(body), { valid: false, violations: [{ path, message }] });
    });
  }
  it('a good body passes', () => {
    assert.deepEqual(contract.check({ order: { id: 'o-1', lines: [{ sku: 'x' }] } }), { valid: true });
  });
  it('keys that are not identifiers are quoted', () => {
    const quoted = compiled({ properties: { 'content-type': { type: 'string' } } });
    assert.deepEqual(quoted.check({ 'content-type': 1 }), {
      valid: false,
      violations: [{ path: 'body["content-type"]', message: 'must be string' }],
    });
  });
  it('formats the validator knows are checked', () => {
    const email = compiled({ properties: { to: { type: 'string', format: 'email' } } });
    assert.equal(email.check({ to: 'a@example.com' }).valid, true);
    assert.equal(email.check({ to: 'nope' }).valid, false);
  });
});

describe('compileContract: a hostile or broken schema is refused naming its field', () => {
  const deep = (levels: number) => {
    let schema: Record<string, unknown> = { type: 'string' };
    for (let i = 0; i < levels; i++) schema = { type: 'object', properties: { a: schema } };
    return schema;
  };
  const cases: { name: string; schema: unknown; path: string; message: RegExp }[] = [
    { name: 'not an object', schema: [], path: 'schema', message: /must be a JSON object/ },
    {
      name: 'a bad type',
      schema: { properties: { a: { type: 'strin' } } },
      path: 'schema.properties.a.type',
      message: /allowed values/,
    },
    {
      name: 'an unknown keyword (a typo)',
      schema: { requried: ['a'] },
      path: 'schema',
      message: /unknown keyword: "requried"/,
    },
    {
      name: 'a remote $ref',
      schema: { properties: { a: { $ref: 'https://example.com/s.json' } } },
      path: 'schema.properties.a.$ref',
      message: /inside this schema/,
    },
    { name: 'an $id', schema: { $id: 'https://example.com/x' }, path: 'schema.$id', message: /self-contained/ },
    {
      name: 'another draft',
      schema: { $schema: 'http://json-schema.org/draft-04/schema#' },
      path: 'schema.$schema',
      message: /2020-12/,
    },
    {
      name: 'a backreference',
      schema: { properties: { a: { pattern: '(a)\\1' } } },
      path: 'schema.properties.a.pattern',
      message: /not a supported regular expression/,
    },
    {
      name: 'lookahead in patternProperties',
      schema: { patternProperties: { '(?=x)': {} } },
      path: 'schema.patternProperties["(?=x)"]',
      message: /lookaround/,
    },
    { name: 'an unknown format', schema: { format: 'regex' }, path: 'schema.format', message: /must be one of/ },
    {
      name: 'a pattern whose counted repetitions add up past the limit',
      schema: { properties: { a: { pattern: '^[a-z]{0,1000}[0-9]{1,5}$' } } },
      path: 'schema.properties.a.pattern',
      message: /repeats 1005 times in all/,
    },
    {
      name: 'a pattern that compiles to too large a program',
      schema: { properties: { a: { pattern: '^(?:[a-z][0-9]){0,450}$' } } },
      path: 'schema.properties.a.pattern',
      message: /is too complex \(\d+ steps compiled; at most 1000\)/,
    },
    {
      name: 'a pattern that is too long',
      schema: { properties: { a: { pattern: 'a'.repeat(513) } } },
      path: 'schema.properties.a.pattern',
      message: /at most 512/,
    },
    {
      name: 'uniqueItems over objects without a small maxItems (quadratic)',
      schema: { properties: { list: { type: 'array', uniqueItems: true, items: { type: 'object' } } } },
      path: 'schema.properties.list.uniqueItems',
      message: /needs "maxItems" of at most 1000/,
    },
    {
      name: 'a local $ref to nothing',
      schema: { $ref: '#/$defs/missing' },
      path: 'schema',
      message: /can't resolve reference/,
    },
    {
      name: 'too deep',
      schema: deep(CONTRACT_LIMITS.maxSchemaDepth),
      path: `schema${'.properties.a'.repeat(16)}`,
      message: /nests deeper than 32/,
    },
    {
      name: 'too large',
      schema: {
        properties: Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`field${i}`, { type: 'string' }])),
      },
      path: 'schema',
      message: /at most 65536/,
    },
  ];
  for (const { name, schema, path, message } of cases) {
    it(name, () => {
      const problem = checkContractSchema(schema);
      assert.equal(problem?.path, path);
      assert.match(problem?.message ?? '', message);
    });
  }
  it('uniqueItems passes with a small maxItems, or over scalar items', () => {
    assert.equal(checkContractSchema({ type: 'array', uniqueItems: true, maxItems: 100 }), undefined);
    assert.equal(checkContractSchema({ type: 'array', uniqueItems: true, items: { type: 'string' } }), undefined);
  });
  it('a schema within the limits compiles, local refs included', () => {
    assert.equal(checkContractSchema(deep(10)), undefined);
    assert.equal(
      checkContractSchema({ $defs: { id: { type: 'string' } }, properties: { a: { $ref: '#/$defs/id' } } }),
      undefined,
    );
  });
});

describe('patterns run in linear time (ReDoS guard)', () => {
  it('^(a+)+$ against 100,000 a’s and a b answers in well under a second', () => {
    const contract = compiled({ properties: { name: { type: 'string', pattern: '^(a+)+$' } } });
    const started = performance.now();
    const verdict = contract.check({ name: `${'a'.repeat(100_000)}b` });
    const elapsed = performance.now() - started;
    assert.deepEqual(verdict, {
      valid: false,
      violations: [{ path: 'body.name', message: 'must match pattern "^(a+)+$"' }],
    });
    assert.ok(elapsed < 500, `took ${elapsed} ms`);
    assert.equal(contract.check({ name: 'aaaa' }).valid, true);
  });
  it('the costliest kind of pattern the limits allow checks a megabyte of strings in well under a second', () => {
    // Counted repetitions side by side: the most RE2 steps per character a pattern within the limits can have.
    const pattern = `^${'[a-z]{0,100}'.repeat(4)}$`;
    assert.equal(checkContractSchema({ pattern }), undefined);
    // `not`: every string fails the pattern, so every one is checked (validation stops at the first error).
    const contract = compiled({ type: 'array', items: { type: 'string', not: { pattern } } });
    const body = Array.from({ length: 100 }, (_, i) => `${String.fromCharCode(97 + (i % 26)).repeat(10_000)}!`);
    const started = performance.now();
    assert.equal(contract.check(body).valid, true);
    const elapsed = performance.now() - started;
    assert.ok(elapsed < 1_000, `took ${Math.round(elapsed)} ms`);
  });
  it('patternProperties run on the same engine', () => {
    const contract = compiled({ patternProperties: { '^(x+)+$': { type: 'number' } } });
    const started = performance.now();
    assert.equal(contract.check({ [`${'x'.repeat(50_000)}y`]: 'text' }).valid, true);
    assert.ok(performance.now() - started < 500);
    assert.equal(contract.check({ xxx: 'text' }).valid, false);
  });
  it('every format the validator knows checks a 100,000-character string in well under a second', () => {
    for (const format of CONTRACT_FORMATS) {
      const contract = compiled({ type: 'string', format });
      for (const text of [`${'a'.repeat(100_000)}!`, `${'a.'.repeat(50_000)}@`, `${'1'.repeat(100_000)}:`]) {
        const started = performance.now();
        contract.check(text);
        const elapsed = performance.now() - started;
        assert.ok(elapsed < 200, `${format} took ${Math.round(elapsed)} ms`);
      }
    }
  });
  it('two contracts with different patterns keep their own pattern', () => {
    const a = compiled({ type: 'string', pattern: '^a+$' });
    const b = compiled({ type: 'string', pattern: '^b+$' });
    assert.equal(a.check('aa').valid, true);
    assert.equal(b.check('aa').valid, false);
    assert.equal(b.check('bb').valid, true);
  });
});
