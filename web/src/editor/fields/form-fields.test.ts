import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeFields, formatJsonValue, parseJsonOrRaw, parseStringList } from './form-fields.ts';

const httpManifest = {
  inputSchema: {
    type: 'object',
    properties: {
      method: { default: 'GET', type: 'string', enum: ['GET', 'POST'] },
      url: { type: 'string', format: 'uri' },
      headers: { default: {}, type: 'object', additionalProperties: { type: 'string' } },
      body: { description: 'JSON value, or a string sent as is' },
      responseFormat: { type: 'string', enum: ['auto', 'json', 'text'] },
    },
    required: ['url'],
  },
  ui: {
    method: { label: 'Method', widget: 'select' as const, order: 1 },
    url: { label: 'URL', widget: 'expression' as const, order: 2 },
    headers: { label: 'Headers', widget: 'keyValue' as const, order: 3 },
    body: { label: 'Body', widget: 'code' as const, order: 5 },
  },
};

const transformManifest = {
  inputSchema: {
    type: 'object',
    properties: {
      fields: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, value: {} } } },
      keepInput: { type: 'boolean', default: false },
      remove: { type: 'array', items: { type: 'string' } },
      limit: { type: 'integer' },
    },
  },
  ui: {},
};

describe('inspector form fields from JSON Schema + ui hints', () => {
  it('leaves out a field whose hint says the app edits it itself (widget: custom)', () => {
    const manifest = {
      inputSchema: { type: 'object', properties: { method: { type: 'string' }, contract: { type: 'object' } } },
      ui: { contract: { label: 'Contract', widget: 'custom' as const } },
    };
    assert.deepEqual(
      describeFields(manifest).map((field) => field.name),
      ['method'],
    );
  });
  it('gives Switch cases (flat text objects) an objectList with one column per property', () => {
    const fields = describeFields({
      inputSchema: {
        type: 'object',
        properties: {
          cases: {
            type: 'array',
            items: {
              type: 'object',
              properties: { id: { type: 'string' }, label: { type: 'string' }, condition: { type: 'string' } },
            },
          },
          mode: { type: 'string', enum: ['first', 'all'] },
        },
      },
      ui: { cases: { label: 'Cases' } },
    });
    assert.deepEqual(
      fields.map((field) => [field.name, field.kind, field.columns]),
      [
        ['cases', 'objectList', ['id', 'label', 'condition']],
        ['mode', 'select', undefined],
      ],
    );
  });

  it('maps the http.request schema to the expected widgets, in hint order', () => {
    const fields = describeFields(httpManifest);
    assert.deepEqual(
      fields.map((field) => [field.name, field.kind, field.label, field.required]),
      [
        ['method', 'select', 'Method', false],
        ['url', 'expression', 'URL', true],
        ['headers', 'keyValue', 'Headers', false],
        ['body', 'json', 'Body', false],
        ['responseFormat', 'select', 'Response format', false],
      ],
    );
    assert.deepEqual(fields[0]?.options, ['GET', 'POST']);
  });

  it('infers widgets when there are no hints', () => {
    assert.deepEqual(
      describeFields(transformManifest).map((field) => [field.name, field.kind]),
      [
        ['fields', 'fieldList'],
        ['keepInput', 'toggle'],
        ['remove', 'stringList'],
        ['limit', 'number'],
      ],
    );
  });

  it('JSON fields store parsed JSON when valid and the raw text otherwise', () => {
    assert.deepEqual(parseJsonOrRaw('{"a": 1}'), { a: 1 });
    assert.equal(parseJsonOrRaw('{{ trigger.body }}'), '{{ trigger.body }}');
    assert.equal(parseJsonOrRaw('  '), undefined);
    assert.equal(formatJsonValue({ a: 1 }), '{\n  "a": 1\n}');
    assert.deepEqual(parseStringList('a, b ,, c'), ['a', 'b', 'c']);
  });
});
