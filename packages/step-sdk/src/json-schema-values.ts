import { defineOwn, getOwn } from './safe-object.ts';

/**
 * A small strict validator for the JSON Schema subset `z.toJSONSchema` emits for a credential type's fields (object,
 * properties, required, type, enum, minLength, maxLength, minimum, maximum, default, additionalProperties): the
 * server checks values of step packages' credential types with it, since their zod schemas stay in the package.
 * Properties not described are refused.  Messages name paths and rules, never values.
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

/** Validates an object of values against an object schema; the data has the schema's defaults applied. */
export function validateJsonSchemaValues(schema: Schema, values: unknown): JsonSchemaResult {
  const issues: JsonSchemaIssue[] = [];
  const data = check(schema, values, [], issues);
  if (issues.length > 0 || !isObject(data)) {
    return { success: false, issues: issues.length > 0 ? issues : [{ path: [], message: 'must be an object' }] };
  }
  return { success: true, data };
}

function typeMatches(type: unknown, value: unknown): boolean {
  const types = Array.isArray(type) ? type : [type];
  return types.some((name) => {
    switch (name) {
      case 'string':
        return typeof value === 'string';
      case 'number':
        return typeof value === 'number' && Number.isFinite(value);
      case 'integer':
        return typeof value === 'number' && Number.isInteger(value);
      case 'boolean':
        return typeof value === 'boolean';
      case 'null':
        return value === null;
      case 'array':
        return Array.isArray(value);
      case 'object':
        return isObject(value);
      default:
        return false;
    }
  });
}

function check(schema: Schema, value: unknown, path: string[], issues: JsonSchemaIssue[]): unknown {
  const issue = (message: string) => {
    issues.push({ path, message });
    return value;
  };
  if (schema.type !== undefined && !typeMatches(schema.type, value)) {
    return issue(`must be of type ${Array.isArray(schema.type) ? schema.type.join(' or ') : String(schema.type)}`);
  }
  if (Array.isArray(schema.enum) && !schema.enum.some((allowed) => allowed === value)) {
    return issue(`must be one of ${schema.enum.map((allowed) => JSON.stringify(allowed)).join(', ')}`);
  }
  if (typeof value === 'string') {
    if (typeof schema.minLength === 'number' && value.length < schema.minLength)
      issue(`must have at least ${schema.minLength} characters`);
    if (typeof schema.maxLength === 'number' && value.length > schema.maxLength)
      issue(`must have at most ${schema.maxLength} characters`);
  }
  if (typeof value === 'number') {
    if (typeof schema.minimum === 'number' && value < schema.minimum) issue(`must be at least ${schema.minimum}`);
    if (typeof schema.maximum === 'number' && value > schema.maximum) issue(`must be at most ${schema.maximum}`);
  }
  if (Array.isArray(value) && isObject(schema.items)) {
    const items = schema.items;
    return value.map((item, index) => check(items, item, [...path, String(index)], issues));
  }
  if (isObject(value) && (schema.type === 'object' || isObject(schema.properties))) {
    const properties = isObject(schema.properties) ? schema.properties : {};
    const required = Array.isArray(schema.required) ? schema.required : [];
    // Keys come from the request and the package's schema: own properties only, written with defineOwn, so a
    // `__proto__` key stays data and an inherited `constructor` never counts as a given value.
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      const propertySchema = getOwn(properties, key);
      if (!isObject(propertySchema)) {
        if (isObject(schema.additionalProperties))
          defineOwn(out, key, check(schema.additionalProperties, item, [...path, key], issues));
        else if (schema.additionalProperties === true) defineOwn(out, key, item);
        else issues.push({ path: [...path, key], message: 'is not a known field' });
        continue;
      }
      if (item === undefined) continue;
      defineOwn(out, key, check(propertySchema, item, [...path, key], issues));
    }
    for (const [key, propertySchema] of Object.entries(properties)) {
      if (getOwn(out, key) !== undefined || getOwn(value, key) !== undefined) continue;
      if (isObject(propertySchema) && propertySchema.default !== undefined)
        defineOwn(out, key, structuredCloneJson(propertySchema.default));
      else if (required.includes(key)) issues.push({ path: [...path, key], message: 'is required' });
    }
    return out;
  }
  return value;
}

/** Defaults are JSON: a copy keeps one stored value from aliasing the schema. */
const structuredCloneJson = (value: unknown): unknown =>
  value === null || typeof value !== 'object' ? value : JSON.parse(JSON.stringify(value));
