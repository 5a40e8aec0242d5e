import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CredentialTypeView } from '@pipewright/api-contract';
import { credentialFormSchemas, prefillValues, valuesToSend } from './credential-form-schema.ts';

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
    required: ['host', 'user', 'port'],
  },
  secretFields: ['password'],
  ui: { host: { label: 'Host', order: 1 }, password: { label: 'Password', order: 2 } },
  testable: true,
};

type Entry = Record<string, unknown>;
const entry = (ui: Record<string, unknown>, name: string) => ui[name] as Entry;

describe('credential forms', () => {
  it('derives inputs from the schema: secrets as password fields, hinted order first, defaulted fields optional', () => {
    const { schema, uiSchema } = credentialFormSchemas(database, { kind: 'create', savedSecrets: [] });
    assert.deepEqual(uiSchema['ui:order'], ['host', 'password', 'port', 'user', 'ssl', 'scopes']);
    assert.deepEqual(
      ['host', 'password', 'port', 'ssl', 'scopes'].map((name) => entry(uiSchema, name)['ui:widget']),
      ['text', 'password', 'number', 'toggle', 'stringList'],
    );
    assert.deepEqual(schema.required, ['host', 'user']);
    assert.equal(entry(uiSchema, 'port')['ui:placeholder'], 'default: 5432');
    assert.equal(entry(uiSchema, 'scopes')['ui:description'], 'Separate items with commas.');
  });

  it('tells an editor that a saved secret left empty is kept, and rotation shows the secrets only', () => {
    const edit = credentialFormSchemas(database, { kind: 'edit', savedSecrets: ['password'] });
    assert.equal(entry(edit.uiSchema, 'password')['ui:placeholder'], 'saved — leave empty to keep');
    const rotate = credentialFormSchemas(database, { kind: 'rotate', savedSecrets: ['password'] });
    assert.deepEqual(Object.keys(rotate.schema.properties as object), ['password']);
  });

  it('prefills only non-secret fields when editing', () => {
    assert.deepEqual(prefillValues(database, { host: 'db', port: 5432, password: 'should-not-appear', ssl: false }), {
      host: 'db',
      port: 5432,
      ssl: false,
    });
  });

  it('leaves empty inputs out of what it sends (defaults apply, saved secrets are kept)', () => {
    assert.deepEqual(
      valuesToSend({ host: 'db', port: 6543, password: '', user: undefined, ssl: true, scopes: ['a'] }),
      {
        host: 'db',
        port: 6543,
        ssl: true,
        scopes: ['a'],
      },
    );
  });
});
