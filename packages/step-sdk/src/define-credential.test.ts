import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { databaseConnectionCredential, genericCredentialTypes } from './credential-types.ts';
import { defineCredential, readCredential, secretValuesOf, toCredentialManifest } from './define-credential.ts';
import { defineStep } from './define-step.ts';
import { toManifest } from './manifest.ts';
import { isStepError } from './step-error.ts';
import { createTestContext, runStep } from './testing.ts';

const todoCredential = defineCredential({
  type: 'todoApi',
  version: 1,
  title: 'Todo API',
  description: 'A personal API key',
  fields: z.object({ baseUrl: z.url(), apiKey: z.string().min(1), region: z.string().default('eu') }),
  secretFields: ['apiKey'],
  ui: { apiKey: { label: 'API key' } },
  async test(values) {
    if (values.apiKey !== 'good') throw new Error('rejected');
  },
});

const listTodos = defineStep({
  type: 'todo.list',
  version: 1,
  kind: 'action',
  title: 'List todos',
  description: 'Reads the todo list',
  credentials: { api: todoCredential },
  input: z.object({}),
  output: z.object({ region: z.string(), keyLength: z.number() }),
  async run(_input, ctx) {
    const api = await readCredential(ctx.credentials, 'api', todoCredential);
    return { region: api.region, keyLength: api.apiKey.length };
  },
});

describe('defineCredential', () => {
  it('rejects a bad type id, version or a secret field that is not a field', () => {
    const base = { version: 1, title: 't', description: 'd', fields: z.object({ key: z.string() }) };
    assert.throws(() => defineCredential({ ...base, type: 'Bad type', secretFields: [] }), /must look like/);
    assert.throws(
      () => defineCredential({ ...base, type: 'ok', version: 0, secretFields: [] }),
      /version must be a positive integer/,
    );
    // A typo in secretFields is a type error too; the runtime check covers definitions built from untyped data.
    const secretFields: 'key'[] = JSON.parse('["token"]');
    assert.throws(() => defineCredential({ ...base, type: 'ok', secretFields }), /secret field "token"/);
  });

  const base = { version: 1, title: 't', description: 'd', fields: z.object({ key: z.string() }), secretFields: [] };
  for (const type of ['postgres', 'apiKey', 'chat.webhook', 'my-pkg.api-key']) {
    it(`accepts the type id "${type}"`, () => {
      assert.equal(defineCredential({ ...base, type }).type, type);
    });
  }
  for (const type of ['Postgres', '1pg', 'my db', 'pg!', 'chat.', '.chat', 'chat.web hook']) {
    it(`rejects the type id "${type}"`, () => {
      assert.throws(() => defineCredential({ ...base, type }), /must look like "postgres" or "<package>\.<name>"/);
    });
  }

  it('describes the type as JSON: fields schema, which fields are secret, whether it can be tested', () => {
    const manifest = toCredentialManifest(todoCredential);
    assert.deepEqual(
      { ...manifest, fieldsSchema: undefined },
      {
        type: 'todoApi',
        version: 1,
        title: 'Todo API',
        description: 'A personal API key',
        fieldsSchema: undefined,
        secretFields: ['apiKey'],
        ui: { apiKey: { label: 'API key' } },
        testable: true,
      },
    );
    assert.deepEqual(Object.keys(manifest.fieldsSchema.properties as object), ['baseUrl', 'apiKey', 'region']);
    assert.deepEqual(manifest.fieldsSchema.required, ['baseUrl', 'apiKey']);
    assert.deepEqual(JSON.parse(JSON.stringify(manifest)), manifest);
    assert.equal(toCredentialManifest(databaseConnectionCredential).testable, false);
  });

  it('ships generic types whose secrets are declared', () => {
    assert.deepEqual(
      genericCredentialTypes.map((type) => [type.type, type.secretFields]),
      [
        ['apiKey', ['apiKey']],
        ['basicAuth', ['password']],
        ['bearerToken', ['token']],
        ['oauth2', ['clientSecret', 'accessToken', 'refreshToken']],
        ['databaseConnection', ['password']],
      ],
    );
  });

  it('lists the secret values of a credential', () => {
    assert.deepEqual(secretValuesOf(todoCredential, { baseUrl: 'https://x.test', apiKey: 'k-1' }), ['k-1']);
    assert.deepEqual(secretValuesOf(databaseConnectionCredential, { password: '' }), []);
  });

  it('hides numeric secrets too, as the text they appear as in outputs', () => {
    const pinCredential = defineCredential({
      ...base,
      type: 'pin',
      fields: z.object({ pin: z.number(), serial: z.bigint(), label: z.string() }),
      secretFields: ['pin', 'serial'],
    });
    assert.deepEqual(secretValuesOf(pinCredential, { pin: 4711, serial: 90071992547409931n, label: 'x' }), [
      '4711',
      '90071992547409931',
    ]);
  });
});

describe('credential slots on steps', () => {
  it('puts slot → credential type in the manifest, and nothing for steps without credentials', () => {
    assert.deepEqual(toManifest(listTodos).credentials, { api: 'todoApi' });
    const { credentials: _unused, ...withoutCredentials } = listTodos;
    assert.equal('credentials' in toManifest(defineStep(withoutCredentials)), false);
  });

  it('rejects a slot name that is not an identifier', () => {
    assert.throws(
      () => defineStep({ ...listTodos, credentials: { 'my db': todoCredential } }),
      /credential slot "my db" must be an identifier/,
    );
  });

  it('reads a slot with defaults applied', async () => {
    const ctx = createTestContext({ credentials: { api: { baseUrl: 'https://todo.test', apiKey: 'abcd' } } });
    assert.deepEqual(await runStep(listTodos, {}, ctx), { region: 'eu', keyLength: 4 });
  });

  it('fails without retry on invalid values, naming the fields but not the values', async () => {
    const ctx = createTestContext({ credentials: { api: { baseUrl: 'not a url sekrit', apiKey: '' } } });
    await assert.rejects(runStep(listTodos, {}, ctx), (error: unknown) => {
      assert.ok(isStepError(error));
      assert.equal(error.retryable, false);
      assert.match(error.message, /credential "api" \(Todo API\) is invalid: check baseUrl, apiKey/);
      assert.doesNotMatch(error.message, /sekrit/);
      assert.deepEqual(error.details, { slot: 'api', credentialType: 'todoApi', fields: ['baseUrl', 'apiKey'] });
      return true;
    });
  });
});

describe('readCredential', () => {
  const serverCredential = defineCredential({
    type: 'server',
    version: 1,
    title: 'Server',
    description: 'A server',
    fields: z.object({ server: z.object({ host: z.string().min(1), port: z.number() }) }),
    secretFields: [],
  });
  const holding = (value: unknown) => ({
    get: async () => value as Record<string, unknown>,
    refresh: async () => value as Record<string, unknown>,
    has: () => true,
  });
  const cases: { name: string; value: unknown; message: string }[] = [
    {
      name: 'a nested field by its dotted path',
      value: { server: { host: '', port: 1 } },
      message: 'check server.host',
    },
    { name: 'each field once', value: { server: { host: 1, port: 'x' } }, message: 'check server.host, server.port' },
    { name: 'the whole value when it is no object', value: 'sekrit', message: 'check (root)' },
  ];
  for (const { name, value, message } of cases) {
    it(`names ${name}`, async () => {
      await assert.rejects(readCredential(holding(value), 'srv', serverCredential), (error: unknown) => {
        assert.ok(isStepError(error));
        assert.equal(error.message, `credential "srv" (Server) is invalid: ${message}`);
        return true;
      });
    });
  }
});
