import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { validateJsonSchemaValues } from './json-schema-values.ts';
import { scrubSecrets } from './scrub-secrets.ts';

// The SDK's writers of keys that come from requests and step outputs: a `__proto__` key (as JSON.parse makes it) must
// stay data, never become the copy's prototype.
const objectPrototypeKeys = Object.getOwnPropertyNames(Object.prototype).sort();
afterEach(() => {
  assert.deepEqual(Object.getOwnPropertyNames(Object.prototype).sort(), objectPrototypeKeys);
});

const parse = (json: string): Record<string, unknown> => JSON.parse(json);

describe('validateJsonSchemaValues with a __proto__ key in the values', () => {
  const schema = {
    type: 'object',
    properties: { apiKey: { type: 'string', minLength: 1 } },
    required: ['apiKey'],
    additionalProperties: true,
  };

  it('does not take a value inherited through __proto__ for a required field', () => {
    const result = validateJsonSchemaValues(schema, parse('{"__proto__": {"apiKey": "smuggled"}}'));
    assert.deepEqual(result, { success: false, issues: [{ path: ['apiKey'], message: 'is required' }] });
  });

  it('keeps an extra __proto__ key as an own key of the data', () => {
    const result = validateJsonSchemaValues(schema, parse('{"apiKey": "k", "__proto__": {"admin": true}}'));
    assert.ok(result.success);
    assert.equal(Object.getPrototypeOf(result.data), Object.prototype);
    assert.equal(Reflect.get(result.data, 'admin'), undefined);
    assert.deepEqual(Object.keys(result.data), ['apiKey', '__proto__']);
  });

  it('ignores an inherited constructor when applying defaults', () => {
    const withDefault = { type: 'object', properties: parse('{"constructor": {"type": "string", "default": "d"}}') };
    const result = validateJsonSchemaValues(withDefault, {});
    assert.ok(result.success);
    assert.deepEqual(Object.getOwnPropertyDescriptor(result.data, 'constructor')?.value, 'd');
  });
});

describe('scrubSecrets with a __proto__ key in a step output', () => {
  it('scrubs inside it and keeps it an own key', () => {
    const scrubbed = scrubSecrets(parse('{"__proto__": {"token": "s3cret-value"}, "ok": 1}'), ['s3cret-value']);
    assert.equal(Object.getPrototypeOf(scrubbed), Object.prototype);
    assert.equal(Reflect.get(scrubbed, 'token'), undefined);
    assert.equal(JSON.stringify(scrubbed), '{"__proto__":{"token":"[redacted]"},"ok":1}');
  });
});
