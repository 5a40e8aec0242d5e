import { defineOwn } from '@pipewright/step-sdk';

/**
 * Turns driver values into plain JSON (what step outputs must be): dates → ISO strings, bytes → base64, bigints →
 * decimal strings, nested arrays/objects converted deeply.
 */
export function toJsonSafe(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value !== 'object') return value;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) return value.map(toJsonSafe);
  const result: Record<string, unknown> = {};
  // Column names and JSON keys are data: a `__proto__` one stays an own key (defineOwn), never the prototype.
  for (const [key, item] of Object.entries(value)) defineOwn(result, key, toJsonSafe(item));
  return result;
}

/** A database row (or any object) as a plain JSON object. */
export function toJsonRecord(row: unknown): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  if (typeof row !== 'object' || row === null) return result;
  for (const [key, value] of Object.entries(row)) defineOwn(result, key, toJsonSafe(value));
  return result;
}

/** A message body for brokers: strings are sent as they are, anything else as JSON. */
export function encodeMessage(message: unknown): { body: Buffer; contentType: string } {
  if (typeof message === 'string') return { body: Buffer.from(message, 'utf8'), contentType: 'text/plain' };
  return { body: Buffer.from(JSON.stringify(message ?? null), 'utf8'), contentType: 'application/json' };
}
