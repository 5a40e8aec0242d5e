import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  apiKeyCredential,
  basicAuthCredential,
  bearerTokenCredential,
  databaseConnectionCredential,
  databaseConnectionFields,
  genericCredentialTypes,
  oauth2Credential,
} from './credential-types.ts';
import { type AnyCredentialTypeDefinition, toCredentialManifest } from './define-credential.ts';

const oauthApp = {
  clientId: 'app-1',
  clientSecret: 's3cret',
  authorizationUrl: 'https://auth.example.com/authorize',
  tokenUrl: 'https://auth.example.com/token',
};
const database = { host: 'db.example.com', port: 5432, user: 'app', database: 'orders' };

describe('generic credential types', () => {
  for (const type of genericCredentialTypes) {
    it(`${type.type}: the form has a title, a description and a label for every field it shows`, () => {
      const manifest = toCredentialManifest(type);
      assert.notEqual(manifest.title.trim(), '');
      assert.notEqual(manifest.description.trim(), '');
      const fields = Object.keys(type.fields.shape);
      const required = Array.isArray(manifest.fieldsSchema.required) ? manifest.fieldsSchema.required : [];
      for (const field of required) assert.ok(manifest.ui[field]?.label, `required field "${field}" has no label`);
      for (const [field, hint] of Object.entries(manifest.ui)) {
        assert.ok(fields.includes(field), `hint for unknown field "${field}"`);
        assert.notEqual(hint.label?.trim() ?? '', '', `field "${field}" has no label`);
      }
    });
  }

  const values: { type: AnyCredentialTypeDefinition; given: unknown; parsed: unknown }[] = [
    {
      type: apiKeyCredential,
      given: { apiKey: 'k-1' },
      parsed: { headerName: 'X-API-Key', apiKey: 'k-1' },
    },
    {
      type: apiKeyCredential,
      given: { headerName: 'Authorization', apiKey: 'k-1' },
      parsed: { headerName: 'Authorization', apiKey: 'k-1' },
    },
    {
      type: basicAuthCredential,
      given: { username: 'ada', password: '' },
      parsed: { username: 'ada', password: '' },
    },
    { type: bearerTokenCredential, given: { token: 'tok-123' }, parsed: { token: 'tok-123' } },
    { type: oauth2Credential, given: oauthApp, parsed: { ...oauthApp, scopes: [] } },
    {
      type: oauth2Credential,
      given: { ...oauthApp, authorizationUrl: 'http://localhost:8080/auth', scopes: ['read'] },
      parsed: { ...oauthApp, authorizationUrl: 'http://localhost:8080/auth', scopes: ['read'] },
    },
    {
      type: oauth2Credential,
      given: { ...oauthApp, tokenUrl: 'http://localhost:8080/token' },
      parsed: { ...oauthApp, tokenUrl: 'http://localhost:8080/token', scopes: [] },
    },
    {
      type: databaseConnectionCredential,
      given: database,
      parsed: { ...database, password: '', ssl: false },
    },
    {
      type: databaseConnectionCredential,
      given: { ...database, port: 1, password: 'pw', ssl: true },
      parsed: { ...database, port: 1, password: 'pw', ssl: true },
    },
    {
      type: databaseConnectionCredential,
      given: { ...database, port: 65535 },
      parsed: { ...database, port: 65535, password: '', ssl: false },
    },
  ];
  for (const { type, given, parsed } of values) {
    it(`${type.type}: accepts ${JSON.stringify(given)} and fills in the defaults`, () => {
      assert.deepEqual(type.fields.parse(given), parsed);
    });
  }

  const invalid: { type: AnyCredentialTypeDefinition; given: unknown; field: string }[] = [
    { type: apiKeyCredential, given: { apiKey: '' }, field: 'apiKey' },
    { type: apiKeyCredential, given: { headerName: '', apiKey: 'k' }, field: 'headerName' },
    { type: basicAuthCredential, given: { username: '', password: 'pw' }, field: 'username' },
    { type: bearerTokenCredential, given: { token: '' }, field: 'token' },
    { type: oauth2Credential, given: { ...oauthApp, clientId: '' }, field: 'clientId' },
    { type: oauth2Credential, given: { ...oauthApp, clientSecret: '' }, field: 'clientSecret' },
    {
      type: oauth2Credential,
      given: { ...oauthApp, authorizationUrl: 'ftp://auth.example.com' },
      field: 'authorizationUrl',
    },
    {
      type: oauth2Credential,
      given: { ...oauthApp, authorizationUrl: 'httpx://auth.example.com' },
      field: 'authorizationUrl',
    },
    {
      type: oauth2Credential,
      given: { ...oauthApp, authorizationUrl: 'git+https://auth.example.com' },
      field: 'authorizationUrl',
    },
    { type: oauth2Credential, given: { ...oauthApp, tokenUrl: 'git+https://auth.example.com' }, field: 'tokenUrl' },
    { type: oauth2Credential, given: { ...oauthApp, tokenUrl: 'httpsx://auth.example.com' }, field: 'tokenUrl' },
    { type: databaseConnectionCredential, given: { ...database, host: '' }, field: 'host' },
    { type: databaseConnectionCredential, given: { ...database, user: '' }, field: 'user' },
    { type: databaseConnectionCredential, given: { ...database, database: '' }, field: 'database' },
    { type: databaseConnectionCredential, given: { ...database, port: 0 }, field: 'port' },
    { type: databaseConnectionCredential, given: { ...database, port: 65536 }, field: 'port' },
    { type: databaseConnectionCredential, given: { ...database, port: 54.32 }, field: 'port' },
  ];
  for (const { type, given, field } of invalid) {
    it(`${type.type}: refuses ${JSON.stringify(given)} naming ${field}`, () => {
      const result = type.fields.safeParse(given);
      assert.deepEqual(result.success ? [] : result.error.issues.map((issue) => issue.path.join('.')), [field]);
    });
  }

  it('lets a connector give the database fields its own default port, and requires the port otherwise', () => {
    assert.equal(databaseConnectionFields(3306).parse({ ...database, port: undefined }).port, 3306);
    assert.equal(databaseConnectionFields().safeParse({ ...database, port: undefined }).success, false);
  });
});
