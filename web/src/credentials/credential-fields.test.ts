import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CredentialTypeView } from '@pipewright/api-contract';
import { describeCredentialFields, formFromValues, valuesFromForm } from './credential-fields.ts';

const database: CredentialTypeView = {
  type: 'databaseConnection',
  version: 1,
  title: 'Database connection',
  description: '',
  fieldsSchema: {
    type: 'object',
    properties: {
      host: { type: 'string' },
      port: { type: 'integer', default: 5432 },
      user: { type: 'string' },
      password: { type: 'string', default: '' },
      ssl: { type: 'boolean', default: false },
      scopes: { type: 'array', items: { type: 'string' } },
    },
    required: ['host', 'user'],
  },
  secretFields: ['password'],
  ui: { host: { label: 'Host', order: 1 }, password: { label: 'Password', order: 2 } },
  testable: true,
};

describe('credential forms', () => {
  it('derives inputs from the schema: secrets as password fields, hinted order first', () => {
    const fields = describeCredentialFields(database);
    assert.deepEqual(
      fields.map((field) => [field.name, field.kind, field.required]),
      [
        ['host', 'text', true],
        ['password', 'secret', false],
        ['port', 'number', false],
        ['user', 'text', true],
        ['ssl', 'toggle', false],
        ['scopes', 'list', false],
      ],
    );
  });

  it('sends typed values and leaves empty inputs out (defaults apply, saved secrets are kept)', () => {
    const fields = describeCredentialFields(database);
    const values = valuesFromForm(fields, { host: 'db', port: '6543', password: '', ssl: true, scopes: 'a, b' });
    assert.deepEqual(values, { host: 'db', port: 6543, ssl: true, scopes: ['a', 'b'] });
  });

  it('prefills only non-secret fields when editing', () => {
    const fields = describeCredentialFields(database);
    assert.deepEqual(formFromValues(fields, { host: 'db', port: 5432, password: 'should-not-appear', ssl: false }), {
      host: 'db',
      port: '5432',
      ssl: false,
    });
  });
});
