import { isTemplate } from '@pipewright/expression';
import { checkValue, type PathSegment } from '@pipewright/json-schema';
import { defineOwn, isReservedKey } from '@pipewright/step-sdk';

/**
 * A node's config against its step's input schema (JSON Schema, as `z.toJSONSchema` produces it), with the shared
 * Ajv validator of `@pipewright/json-schema`. It exists to show a builder mistakes early, on the node; the worker
 * still validates the evaluated input with the step's zod schema. Any string containing `{{` is a template that
 * may evaluate to a value of any type, so it passes every check (and a form holding one is not judged as a whole).
 */
export type JsonSchema = Record<string, unknown>;

export interface ConfigIssue {
  /** Dotted path from the node, e.g. `config.fields.0.name`. */
  field: string;
  message: string;
}

const isTemplateValue = (value: unknown): boolean => typeof value === 'string' && isTemplate(value);

export function validateConfig(
  config: Record<string, unknown>,
  schema: JsonSchema,
  labels: Record<string, string>,
): ConfigIssue[] {
  const checked = checkValue(schema, config, {
    isWildcard: isTemplateValue,
    unknownProperty: 'is not a known setting',
    // A pattern says nothing a builder can act on (`must match ^[A-Za-z0-9-]+$`); the step's zod schema checks it
    // at publish (built-in steps) or at run time, with the step author's message (`must be a header name`).
    ignoreKeywords: ['pattern'],
  });
  if (checked.ok) return [];
  if (checked.problem) {
    return [
      {
        field: fieldOf([]),
        message: `The configuration cannot be checked: the step's input schema is not usable (${checked.problem.path} ${checked.problem.message})`,
      },
    ];
  }
  return checked.issues.map((issue) => ({
    field: fieldOf(issue.segments),
    message: `${labelOf(issue.segments, labels)} ${issue.message}`,
  }));
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

/** `URL` for a top-level field with a UI label; nested fields as `Fields › item 1 › name`. */
function labelOf(path: PathSegment[], labels: Record<string, string>): string {
  const [first, ...rest] = path;
  if (first === undefined) return 'The configuration';
  const head =
    typeof first === 'string'
      ? ((Object.hasOwn(labels, first) ? labels[first] : undefined) ?? first)
      : `item ${first + 1}`;
  return [head, ...rest.map((segment) => (typeof segment === 'number' ? `item ${segment + 1}` : segment))].join(' › ');
}

const fieldOf = (path: PathSegment[]): string => ['config', ...path].join('.');

function asRecord(value: unknown): JsonSchema | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  return Object.fromEntries(Object.entries(value));
}

function cloneJson(value: unknown): unknown {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}
