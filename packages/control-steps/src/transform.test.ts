/// <reference types="node" />
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { applyTransform, parseTransformConfig, type TransformConfig } from './transform.ts';

describe('parseTransformConfig', () => {
  test('fills in what the config leaves out: no fields, no input kept, nothing removed, null values', () => {
    assert.deepEqual(parseTransformConfig({}), { fields: [], keepInput: false, remove: [] });
    assert.deepEqual(parseTransformConfig({ fields: [{ name: 'a' }, { name: 'b', value: 0 }], keepInput: true }), {
      fields: [
        { name: 'a', value: null },
        { name: 'b', value: 0 },
      ],
      keepInput: true,
      remove: [],
    });
  });

  const invalid: { config: unknown; message: string }[] = [
    { config: 'fields', message: 'config must be an object' },
    { config: [], message: 'config must be an object' },
    { config: { fields: { name: 'a' } }, message: 'fields: must be a list' },
    { config: { fields: [{ name: 'a' }, 'b'] }, message: 'fields.1.name: must be a non-empty text' },
    { config: { fields: [{ name: 'a' }, { name: 3 }] }, message: 'fields.1.name: must be a non-empty text' },
    { config: { fields: [{ name: '', value: 1 }] }, message: 'fields.0.name: must be a non-empty text' },
    { config: { keepInput: 'yes' }, message: 'keepInput: must be true or false' },
    { config: { remove: 'secret' }, message: 'remove: must be a list of field names' },
    { config: { remove: ['secret', 3] }, message: 'remove: must be a list of field names' },
  ];
  for (const { config, message } of invalid) {
    test(`refuses ${JSON.stringify(config)}: ${message}`, () => {
      assert.throws(() => parseTransformConfig(config), { message });
    });
  }
});

describe('applyTransform', () => {
  const config = (overrides: Partial<TransformConfig>): TransformConfig => ({
    fields: [],
    keepInput: false,
    remove: [],
    ...overrides,
  });
  const cases: { name: string; config: TransformConfig; input: unknown; output: Record<string, unknown> }[] = [
    {
      name: 'sets fields on a new object, dotted names as nested objects',
      config: config({
        fields: [
          { name: 'id', value: 1 },
          { name: 'customer.name', value: 'Ada' },
          { name: 'customer.city', value: 'London' },
        ],
      }),
      input: { ignored: true },
      output: { id: 1, customer: { name: 'Ada', city: 'London' } },
    },
    {
      name: 'keeps the input and adds to it',
      config: config({ keepInput: true, fields: [{ name: 'order.total', value: 12 }] }),
      input: { order: { id: 'o-1' }, status: 'new' },
      output: { order: { id: 'o-1', total: 12 }, status: 'new' },
    },
    {
      name: 'replaces a value that is no object when a dotted name goes through it',
      config: config({ keepInput: true, fields: [{ name: 'status.code', value: 200 }] }),
      input: { status: 'ok' },
      output: { status: { code: 200 } },
    },
    {
      name: 'removes fields, nested ones too, and ignores paths that do not exist',
      config: config({ keepInput: true, remove: ['token', 'user.password', 'nothing.here', 'user.name.first'] }),
      input: { token: 't', user: { name: 'Ada', password: 'p' }, keep: 1 },
      output: { user: { name: 'Ada' }, keep: 1 },
    },
    {
      name: 'keeps nothing of an input that is a list',
      config: config({ keepInput: true, fields: [{ name: 'n', value: 2 }] }),
      input: [{ a: 1 }, { a: 2 }],
      output: { n: 2 },
    },
    {
      name: 'keeps nothing of an input that is null',
      config: config({ keepInput: true }),
      input: null,
      output: {},
    },
    {
      name: 'keeps nothing of an input that is text',
      config: config({ keepInput: true }),
      input: 'text',
      output: {},
    },
  ];
  for (const { name, config: transform, input, output } of cases) {
    test(name, () => {
      assert.deepEqual(applyTransform(transform, input), output);
    });
  }

  test("never changes the upstream node's output", () => {
    const input = { order: { id: 'o-1', secret: 's' } };
    const output = applyTransform(
      config({ keepInput: true, fields: [{ name: 'order.total', value: 12 }], remove: ['order.secret'] }),
      input,
    );
    assert.deepEqual(output, { order: { id: 'o-1', total: 12 } });
    assert.deepEqual(input, { order: { id: 'o-1', secret: 's' } });
  });
});
