import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { validateJsonSchemaValues } from './json-schema-values.ts';

// The schema as a package's manifest carries it: what toCredentialManifest emits for these fields.
const schema = z.toJSONSchema(
  z.object({
    host: z.string().min(3).max(20),
    port: z.number().int().min(1).max(65535).default(5432),
    mode: z.enum(['read', 'write']).default('read'),
    apiKey: z.string().min(1),
    tls: z.boolean().optional(),
  }),
  { io: 'input', unrepresentable: 'any' },
) as Record<string, unknown>;

describe('validateJsonSchemaValues', () => {
  it('accepts valid values and applies defaults', () => {
    const result = validateJsonSchemaValues(schema, { host: 'db.local', apiKey: 'k-123' });
    assert.deepEqual(result, {
      success: true,
      data: { host: 'db.local', apiKey: 'k-123', port: 5432, mode: 'read' },
    });
  });

  it('keeps given values over defaults', () => {
    const result = validateJsonSchemaValues(schema, { host: 'db.local', apiKey: 'k', port: 6543, tls: true });
    assert.equal(result.success && result.data.port, 6543);
    assert.equal(result.success && result.data.tls, true);
  });

  it('names a missing required field', () => {
    const result = validateJsonSchemaValues(schema, { host: 'db.local' });
    assert.deepEqual(result, { success: false, issues: [{ path: ['apiKey'], message: 'is required' }] });
  });

  it('refuses a wrong type, an integer rule and out-of-range lengths', () => {
    const result = validateJsonSchemaValues(schema, { host: 'ab', apiKey: 7, port: 1.5 });
    assert.equal(result.success, false);
    const paths = result.success ? [] : result.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    assert.deepEqual(paths.sort(), [
      'apiKey: must be of type string',
      'host: must have at least 3 characters',
      'port: must be of type integer',
    ]);
  });

  it('refuses a value outside the enum, and a number out of range', () => {
    const result = validateJsonSchemaValues(schema, { host: 'db.local', apiKey: 'k', mode: 'admin', port: 70000 });
    const messages = result.success ? [] : result.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    assert.deepEqual(messages.sort(), ['mode: must be one of "read", "write"', 'port: must be at most 65535']);
  });

  it('refuses properties the schema does not describe', () => {
    const result = validateJsonSchemaValues(schema, { host: 'db.local', apiKey: 'k', extra: 'x' });
    assert.deepEqual(result, { success: false, issues: [{ path: ['extra'], message: 'is not a known field' }] });
  });

  it('refuses a non-object', () => {
    assert.equal(validateJsonSchemaValues(schema, 'nope').success, false);
  });

  it('never echoes a value in its messages', () => {
    const result = validateJsonSchemaValues(schema, { host: 'x', apiKey: 12345678 });
    assert.ok(!JSON.stringify(result).includes('12345678'));
  });
});
