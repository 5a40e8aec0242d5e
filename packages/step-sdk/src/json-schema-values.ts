import { applyDefaults, checkValue, closeObjects, copyValue } from '@pipewright/json-schema';

/**
 * Checks the values of a credential type's fields against the JSON Schema its manifest carries (what
 * `z.toJSONSchema` emits), with the shared Ajv validator of `@pipewright/json-schema`: the server checks values of
 * step packages' credential types with it, since their zod schemas stay in the package. Strict: properties a schema
 * does not describe are refused (object schemas are closed unless they say otherwise), defaults fill absent fields.
 * Messages name paths and rules, never values.
 */

export interface JsonSchemaIssue {
  path: string[];
  message: string;
}

export type JsonSchemaResult =
  | { success: true; data: Record<string, unknown> }
  | { success: false; issues: JsonSchemaIssue[] };

type Schema = Record<string, unknown>;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Closed copies by schema object: a manifest kept in memory is rewritten once (compiles are cached by text). */
const closed = new WeakMap<Schema, Schema>();

/**
 * Validates an object of values against an object schema; the data has the schema's defaults applied.
 *
 * @example
 * validateJsonSchemaValues({ type: 'object', properties: { port: { type: 'integer', default: 5432 } } }, {});
 * // → { success: true, data: { port: 5432 } }
 */
export function validateJsonSchemaValues(schema: Schema, values: unknown): JsonSchemaResult {
  const copied = copyValue(values);
  if (!copied.ok) return { success: false, issues: [toIssue(copied.issue)] };
  const data = copied.value;
  applyDefaults(schema, data);
  let strict = closed.get(schema);
  if (strict === undefined) {
    strict = closeObjects(schema);
    closed.set(schema, strict);
  }
  const checked = checkValue(strict, data);
  if (!checked.ok) return { success: false, issues: checked.issues.map(toIssue) };
  if (!isObject(checked.value)) return { success: false, issues: [{ path: [], message: 'must be an object' }] };
  return { success: true, data: checked.value };
}

const toIssue = (issue: { segments: (string | number)[]; message: string }): JsonSchemaIssue => ({
  path: issue.segments.map(String),
  message: issue.message,
});
