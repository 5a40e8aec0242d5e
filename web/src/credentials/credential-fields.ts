import type { CredentialTypeView } from '@pipewright/api-contract';

/** One input of a credential form, derived from the type's JSON Schema, UI hints and secret fields. */
export interface CredentialField {
  name: string;
  label: string;
  kind: 'secret' | 'text' | 'number' | 'toggle' | 'list';
  required: boolean;
  placeholder?: string;
  help?: string;
  /** The schema's default, shown as a placeholder (the server applies it when the field is left empty). */
  defaultValue?: unknown;
}

type JsonSchema = Record<string, unknown>;
const isObject = (value: unknown): value is JsonSchema =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Fields in UI-hint order; secret fields become password inputs (never prefilled). */
export function describeCredentialFields(type: CredentialTypeView): CredentialField[] {
  const properties = isObject(type.fieldsSchema.properties) ? type.fieldsSchema.properties : {};
  const required = new Set(Array.isArray(type.fieldsSchema.required) ? type.fieldsSchema.required.map(String) : []);
  const secret = new Set(type.secretFields);
  const fields = Object.entries(properties).map(([name, raw], index) => {
    const schema = isObject(raw) ? raw : {};
    const hint = type.ui[name] ?? {};
    const field: CredentialField = {
      name,
      label: hint.label ?? name,
      kind: secret.has(name) ? 'secret' : kindOf(schema),
      required: required.has(name) && !('default' in schema),
    };
    if (hint.placeholder !== undefined) field.placeholder = hint.placeholder;
    if (hint.help !== undefined) field.help = hint.help;
    if ('default' in schema) field.defaultValue = schema.default;
    return { field, order: hint.order ?? 1000 + index };
  });
  return fields.sort((a, b) => a.order - b.order).map((entry) => entry.field);
}

function kindOf(schema: JsonSchema): CredentialField['kind'] {
  const type = Array.isArray(schema.type) ? schema.type.find((entry) => entry !== 'null') : schema.type;
  if (type === 'boolean') return 'toggle';
  if (type === 'number' || type === 'integer') return 'number';
  if (type === 'array') return 'list';
  return 'text';
}

/**
 * Form state (strings and booleans) → the values to send: empty inputs are left out (so defaults apply and, when
 * editing, a secret left empty keeps its saved value), numbers parsed, lists split on commas.
 */
export function valuesFromForm(
  fields: CredentialField[],
  form: Record<string, string | boolean>,
): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const field of fields) {
    const raw = form[field.name];
    if (raw === undefined || raw === '') continue;
    if (field.kind === 'toggle') values[field.name] = raw === true;
    else if (typeof raw !== 'string') continue;
    else if (field.kind === 'number') values[field.name] = Number(raw);
    else if (field.kind === 'list')
      values[field.name] = raw
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean);
    else values[field.name] = raw;
  }
  return values;
}

/** Saved non-secret values → form state, to prefill an edit form (secret fields stay empty). */
export function formFromValues(
  fields: CredentialField[],
  values: Record<string, unknown>,
): Record<string, string | boolean> {
  const form: Record<string, string | boolean> = {};
  for (const field of fields) {
    if (field.kind === 'secret') continue;
    const value = values[field.name];
    if (typeof value === 'boolean') form[field.name] = value;
    else if (Array.isArray(value)) form[field.name] = value.map(String).join(', ');
    else if (typeof value === 'string' || typeof value === 'number') form[field.name] = String(value);
  }
  return form;
}
