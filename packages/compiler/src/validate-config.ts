import { isTemplate } from '@pipewright/expression';
import { defineOwn, isReservedKey } from '@pipewright/step-sdk';
import { canonicalJson } from './canonical-json.ts';

/**
 * A lenient checker for the JSON Schema subset `z.toJSONSchema` produces for step inputs.  It exists to show a
 * builder mistakes early, on the node; the worker still validates the evaluated input with the step's zod schema.
 * Any string containing `{{` is a template that may evaluate to a value of any type, so it passes every check.
 */
export type JsonSchema = Record<string, unknown>;

export interface ConfigIssue {
  /** Dotted path from the node, e.g. `config.fields.0.name`. */
  field: string;
  message: string;
}

type PathSegment = string | number;

interface Walk {
  root: JsonSchema;
  /** Top-level field name → label shown in the inspector. */
  labels: Record<string, string>;
  issues: ConfigIssue[];
}

export function validateConfig(
  config: Record<string, unknown>,
  schema: JsonSchema,
  labels: Record<string, string>,
): ConfigIssue[] {
  const walk: Walk = { root: schema, labels, issues: [] };
  validateValue(config, schema, [], walk);
  return walk.issues;
}

/** Copies `config`, adding each absent top-level field that has a schema default. */
export function fillDefaults(config: Record<string, unknown>, schema: JsonSchema): Record<string, unknown> {
  const filled: Record<string, unknown> = { ...config };
  for (const [name, property] of Object.entries(asRecord(schema.properties) ?? {})) {
    const propertySchema = asRecord(property);
    // Names come from the step's manifest (a package's may say anything): own keys only, never a reserved one.
    if (isReservedKey(name) || Object.hasOwn(filled, name) || !propertySchema || !('default' in propertySchema)) {
      continue;
    }
    defineOwn(filled, name, cloneJson(propertySchema.default));
  }
  return filled;
}

function validateValue(value: unknown, schema: JsonSchema, path: PathSegment[], walk: Walk): void {
  if (typeof value === 'string' && isTemplate(value)) return;
  const report = (problem: string) =>
    walk.issues.push({ field: fieldOf(path), message: `${labelOf(path, walk)} ${problem}` });

  const resolved = resolveRef(schema, walk.root);
  if (resolved !== schema) {
    if (resolved) validateValue(value, resolved, path, walk);
    return;
  }
  for (const part of schemaList(schema.allOf)) validateValue(value, part, path, walk);
  const alternatives = [...schemaList(schema.anyOf), ...schemaList(schema.oneOf)];
  if (alternatives.length > 0 && !alternatives.some((option) => matches(value, option, walk))) {
    report('does not match any of the accepted forms');
    return;
  }
  if ('const' in schema && canonicalJson(schema.const) !== canonicalJson(value)) {
    report(`must be ${describeValue(schema.const)}`);
    return;
  }
  if (
    Array.isArray(schema.enum) &&
    !schema.enum.some((option: unknown) => canonicalJson(option) === canonicalJson(value))
  ) {
    report(`must be one of ${schema.enum.map(describeValue).join(', ')}`);
    return;
  }
  const types = typeList(schema.type);
  if (types.length > 0 && !types.some((type) => hasType(value, type))) {
    report(`must be ${types.map(describeType).join(' or ')}`);
    return;
  }
  if (typeof value === 'string') checkString(value, schema, report);
  else if (typeof value === 'number') checkNumber(value, schema, report);
  else if (Array.isArray(value)) checkArray(value, schema, path, walk, report);
  else if (value !== null && typeof value === 'object') checkObject(value, schema, path, walk);
}

function checkString(value: string, schema: JsonSchema, report: (problem: string) => void) {
  if (typeof schema.minLength === 'number' && value.length < schema.minLength) {
    report(schema.minLength === 1 ? 'must not be empty' : `must be at least ${schema.minLength} characters`);
  }
  if (typeof schema.maxLength === 'number' && value.length > schema.maxLength) {
    report(`must be at most ${schema.maxLength} characters`);
  }
  // Loose on purpose: the step's own schema decides which schemes it accepts when it runs.
  if ((schema.format === 'uri' || schema.format === 'url') && !/^[A-Za-z][A-Za-z0-9+.-]*:\/\/\S+$/.test(value)) {
    report('must be a full URL, such as https://api.example.com/items');
  }
}

function checkNumber(value: number, schema: JsonSchema, report: (problem: string) => void) {
  if (typeof schema.minimum === 'number' && value < schema.minimum) report(`must be at least ${schema.minimum}`);
  if (typeof schema.maximum === 'number' && value > schema.maximum) report(`must be at most ${schema.maximum}`);
  if (typeof schema.exclusiveMinimum === 'number' && value <= schema.exclusiveMinimum) {
    report(`must be greater than ${schema.exclusiveMinimum}`);
  }
  if (typeof schema.exclusiveMaximum === 'number' && value >= schema.exclusiveMaximum) {
    report(`must be less than ${schema.exclusiveMaximum}`);
  }
}

function checkArray(
  value: unknown[],
  schema: JsonSchema,
  path: PathSegment[],
  walk: Walk,
  report: (problem: string) => void,
) {
  if (typeof schema.minItems === 'number' && value.length < schema.minItems)
    report(`needs at least ${schema.minItems} item(s)`);
  if (typeof schema.maxItems === 'number' && value.length > schema.maxItems)
    report(`allows at most ${schema.maxItems} item(s)`);
  const items = asRecord(schema.items);
  if (!items) return;
  for (const [index, item] of value.entries()) validateValue(item, items, [...path, index], walk);
}

function checkObject(value: object, schema: JsonSchema, path: PathSegment[], walk: Walk) {
  const properties = asRecord(schema.properties) ?? {};
  const entries = new Map(Object.entries(value));
  if (Array.isArray(schema.required)) {
    for (const name of schema.required) {
      if (typeof name === 'string' && entries.get(name) === undefined) {
        walk.issues.push({ field: fieldOf([...path, name]), message: `${labelOf([...path, name], walk)} is required` });
      }
    }
  }
  for (const [name, item] of entries) {
    if (item === undefined) continue;
    const propertySchema = asRecord(properties[name]);
    if (propertySchema) {
      validateValue(item, propertySchema, [...path, name], walk);
    } else if (schema.additionalProperties === false) {
      walk.issues.push({
        field: fieldOf([...path, name]),
        message: `${labelOf([...path, name], walk)} is not a known setting`,
      });
    } else {
      const extra = asRecord(schema.additionalProperties);
      if (extra) validateValue(item, extra, [...path, name], walk);
    }
  }
}

function matches(value: unknown, schema: JsonSchema, walk: Walk): boolean {
  const probe: Walk = { root: walk.root, labels: walk.labels, issues: [] };
  validateValue(value, schema, [], probe);
  return probe.issues.length === 0;
}

/** Local `#/$defs/…` (or `#/definitions/…`) references; anything else is accepted as unknown (returns undefined). */
function resolveRef(schema: JsonSchema, root: JsonSchema): JsonSchema | undefined {
  if (typeof schema.$ref !== 'string') return schema;
  if (schema.$ref === '#') return root;
  const match = /^#\/(\$defs|definitions)\/(.+)$/.exec(schema.$ref);
  if (!match?.[1] || !match[2]) return undefined;
  return asRecord(asRecord(root[match[1]])?.[decodeURIComponent(match[2])]);
}

function hasType(value: unknown, type: string): boolean {
  switch (type) {
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
      return value !== null && typeof value === 'object' && !Array.isArray(value);
    default:
      return true;
  }
}

const TYPE_NAMES: Record<string, string> = {
  string: 'text',
  number: 'a number',
  integer: 'a whole number',
  boolean: 'true or false',
  null: 'empty',
  array: 'a list',
  object: 'an object',
};

const describeType = (type: string): string => TYPE_NAMES[type] ?? type;
const describeValue = (value: unknown): string => (typeof value === 'string' ? value : canonicalJson(value));

/** `URL` for a top-level field with a UI label; nested fields as `Fields › item 1 › name`. */
function labelOf(path: PathSegment[], walk: Walk): string {
  const [first, ...rest] = path;
  if (first === undefined) return 'The configuration';
  const head = typeof first === 'string' ? (walk.labels[first] ?? first) : `item ${first + 1}`;
  return [head, ...rest.map((segment) => (typeof segment === 'number' ? `item ${segment + 1}` : segment))].join(' › ');
}

const fieldOf = (path: PathSegment[]): string => ['config', ...path].join('.');

function typeList(type: unknown): string[] {
  if (typeof type === 'string') return [type];
  if (Array.isArray(type)) return type.filter((item): item is string => typeof item === 'string');
  return [];
}

function schemaList(value: unknown): JsonSchema[] {
  if (!Array.isArray(value)) return [];
  return value.map(asRecord).filter((item): item is JsonSchema => item !== undefined);
}

function asRecord(value: unknown): JsonSchema | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  return Object.fromEntries(Object.entries(value));
}

function cloneJson(value: unknown): unknown {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}
