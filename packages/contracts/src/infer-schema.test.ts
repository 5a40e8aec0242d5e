import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CONTRACT_LIMITS, compileContract, inferSchema } from './index.ts';

describe('inferSchema', () => {
  const cases: { name: string; samples: unknown[]; schema: Record<string, unknown> }[] = [
    { name: 'no samples: anything', samples: [], schema: {} },
    { name: 'scalars', samples: ['a', 'b'], schema: { type: 'string' } },
    { name: 'whole and fractional numbers: number', samples: [1, 2.5], schema: { type: 'number' } },
    { name: 'whole numbers: integer', samples: [1, 2], schema: { type: 'integer' } },
    { name: 'sometimes null', samples: ['a', null], schema: { type: ['string', 'null'] } },
    {
      name: 'several types',
      samples: [true, 'a', 1],
      schema: { anyOf: [{ type: 'string' }, { type: 'integer' }, { type: 'boolean' }] },
    },
    {
      name: 'objects: required = keys in every sample, properties sorted',
      samples: [
        { z: 1, id: 'a' },
        { id: 'b', m: { deep: [true] } },
      ],
      schema: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          m: {
            type: 'object',
            properties: { deep: { type: 'array', items: { type: 'boolean' } } },
            required: ['deep'],
          },
          z: { type: 'integer' },
        },
        required: ['id'],
      },
    },
    {
      name: 'arrays: one items schema for all elements',
      samples: [[{ sku: 'a', n: 1 }], [{ sku: 'b' }], []],
      schema: {
        type: 'array',
        items: { type: 'object', properties: { n: { type: 'integer' }, sku: { type: 'string' } }, required: ['sku'] },
      },
    },
  ];
  for (const { name, samples, schema } of cases) {
    it(name, () => assert.deepEqual(inferSchema(samples), schema));
  }

  it('is deterministic: the same samples in another key order give the same schema', () => {
    const a = inferSchema([{ b: 1, a: 'x' }]);
    const b = inferSchema([{ a: 'y', b: 2 }]);
    assert.equal(JSON.stringify(a), JSON.stringify(b));
  });

  it('keeps __proto__ as a property name, never as a prototype', () => {
    const samples = [JSON.parse('{"__proto__": {"polluted": true}}')];
    const schema = inferSchema(samples);
    assert.deepEqual(Object.keys(schema.properties as object), ['__proto__']);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it('stops describing past its depth limit, and what it infers compiles and accepts every sample', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < CONTRACT_LIMITS.maxInferredDepth + 5; i++) deep = { next: deep };
    const samples = [deep, { order: { id: 'a', lines: [{ sku: 'x', qty: 2 }] } }];
    const compiled = compileContract(inferSchema(samples));
    assert.ok(compiled.ok);
    for (const sample of samples) assert.deepEqual(compiled.contract.check(sample), { valid: true });
    assert.equal(compiled.contract.check({ order: { id: 5 } }).valid, false);
  });
});
