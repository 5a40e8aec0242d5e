import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseStringList, testIdFor } from './field-ids.ts';
import { formSchemaFor, type JsonSchema, uiSchemaFor } from './ui-schema.ts';

const httpSchema: JsonSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  properties: {
    method: { default: 'GET', type: 'string', enum: ['GET', 'POST'] },
    url: { type: 'string', format: 'uri' },
    headers: { default: {}, type: 'object', additionalProperties: { type: 'string' } },
    body: {},
    responseFormat: { type: 'string', enum: ['auto', 'json', 'text'] },
  },
  required: ['url'],
};
const httpHints = {
  method: { label: 'Method', widget: 'select', order: 1 },
  url: { label: 'URL', widget: 'expression', order: 2 },
  headers: { label: 'Headers', widget: 'keyValue', order: 3 },
  body: { label: 'Body', widget: 'code', help: 'JSON or {{ expression }}', order: 5 },
};
const inspector = { textWidget: 'expression' };

type Entry = Record<string, unknown>;
const entryOf = (ui: Record<string, unknown>, name: string): Entry => {
  const entry = ui[name];
  assert.ok(typeof entry === 'object' && entry !== null, `no uiSchema entry for ${name}`);
  return entry as Entry;
};
/** The widget a field gets, or the row list that renders it. */
const widgetOf = (ui: Record<string, unknown>, name: string) => {
  const entry = entryOf(ui, name);
  const rows = (entry['ui:options'] as { rowList?: string } | undefined)?.rowList;
  return rows ?? entry['ui:widget'];
};

describe('uiSchemaFor: our UI hints → an rjsf uiSchema', () => {
  it('maps the http.request schema to the expected widgets and labels, in hint order', () => {
    const ui = uiSchemaFor(formSchemaFor(httpSchema, httpHints), httpHints, inspector);
    assert.deepEqual(ui['ui:order'], ['method', 'url', 'headers', 'body', 'responseFormat']);
    assert.deepEqual(
      ['method', 'url', 'headers', 'body', 'responseFormat'].map((name) => [
        name,
        widgetOf(ui, name),
        entryOf(ui, name)['ui:title'],
      ]),
      [
        ['method', 'select', 'Method'],
        ['url', 'expression', 'URL'],
        ['headers', 'keyValue', 'Headers'],
        ['body', 'json', 'Body'],
        ['responseFormat', 'select', 'Response format'],
      ],
    );
    assert.equal(entryOf(ui, 'body')['ui:description'], 'JSON or {{ expression }}');
  });

  it('hosts a widget on rjsf’s own field where the type fits, and on anyValue for maps and any-typed values', () => {
    const ui = uiSchemaFor(formSchemaFor(httpSchema, httpHints), httpHints, inspector);
    assert.equal(entryOf(ui, 'url')['ui:field'], undefined);
    assert.equal(entryOf(ui, 'headers')['ui:field'], 'anyValue');
    assert.equal(entryOf(ui, 'body')['ui:field'], 'anyValue');
  });

  it('infers widgets when there are no hints', () => {
    const schema: JsonSchema = {
      type: 'object',
      properties: {
        fields: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, value: {} } } },
        keepInput: { type: 'boolean', default: false },
        remove: { type: 'array', items: { type: 'string' } },
        limit: { type: 'integer' },
        note: { type: 'string' },
      },
    };
    const ui = uiSchemaFor(formSchemaFor(schema, {}), {}, inspector);
    assert.deepEqual(
      ['fields', 'keepInput', 'remove', 'limit', 'note'].map((name) => [name, widgetOf(ui, name)]),
      [
        ['fields', 'fieldList'],
        ['keepInput', 'toggle'],
        ['remove', 'stringList'],
        ['limit', 'number'],
        ['note', 'expression'],
      ],
    );
    assert.equal(widgetOf(uiSchemaFor(schema, {}), 'note'), 'text', 'plain text unless the form asks for expressions');
  });

  it('gives Switch cases (flat text objects) rows with one unlabelled cell per property', () => {
    const schema: JsonSchema = {
      type: 'object',
      properties: {
        cases: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              id: { type: 'string', description: 'Port id, e.g. big_order' },
              label: { type: 'string' },
              condition: { type: 'string' },
            },
          },
        },
        mode: { type: 'string', enum: ['first', 'all'] },
      },
    };
    const ui = uiSchemaFor(schema, { cases: { label: 'Cases' } }, inspector);
    assert.equal(widgetOf(ui, 'cases'), 'objectList');
    assert.equal(widgetOf(ui, 'mode'), 'select');
    const items = entryOf(entryOf(ui, 'cases'), 'items');
    assert.deepEqual(
      ['id', 'label', 'condition'].map((cell) => [
        entryOf(items, cell)['ui:widget'],
        entryOf(items, cell)['ui:placeholder'],
      ]),
      [
        ['text', 'Port id, e.g. big_order'],
        ['text', 'Label'],
        ['text', 'Condition'],
      ],
    );
  });
});

describe('formSchemaFor: the schema the form renders', () => {
  it('leaves out a field whose hint says the app edits it itself (widget: custom), and drops it from required', () => {
    const schema = formSchemaFor(
      {
        type: 'object',
        properties: { method: { type: 'string' }, contract: { type: 'object' } },
        required: ['contract'],
      },
      { contract: { label: 'Contract', widget: 'custom' } },
    );
    assert.deepEqual(Object.keys(schema.properties as object), ['method']);
    assert.deepEqual(schema.required, []);
  });

  it('keeps any-typed values (a body, a field list’s value) on the form and drops the 2020-12 dialect', () => {
    const schema = formSchemaFor(
      {
        ...httpSchema,
        properties: {
          body: {},
          fields: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, value: {} } } },
        },
      },
      {},
    );
    assert.equal(schema.$schema, undefined);
    const properties = schema.properties as Record<string, Record<string, unknown>>;
    assert.notDeepEqual(properties.body, {}, 'rjsf renders nothing for an empty schema');
    const items = properties.fields?.items as { properties: Record<string, object> };
    assert.notDeepEqual(items.properties.value, {});
  });
});

describe('field ids', () => {
  it('names a row cell <list>-<column>-<index>, as the row editors always have', () => {
    assert.equal(testIdFor('field-fields-0-name'), 'field-fields-name-0');
    assert.equal(testIdFor('field-cases-12-condition'), 'field-cases-condition-12');
    assert.equal(testIdFor('field-url'), 'field-url');
    assert.equal(testIdFor('credential-field-host'), 'credential-field-host');
  });

  it('splits comma lists, dropping blanks', () => {
    assert.deepEqual(parseStringList('a, b ,, c'), ['a', 'b', 'c']);
  });
});
