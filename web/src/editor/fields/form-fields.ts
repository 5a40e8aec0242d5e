import type { FieldUiHint, StepManifest } from '@pipewright/step-sdk';

/**
 * Turns a step's input JSON Schema plus its UI hints into the list of inspector fields.  Pure, so the mapping
 * (which widget a schema gets) is tested without a browser.
 */
export type FieldKind =
  | 'text'
  | 'expression'
  | 'textarea'
  | 'select'
  | 'toggle'
  | 'number'
  | 'keyValue'
  | 'fieldList'
  | 'stringList'
  /** Rows of objects whose properties are all texts (Switch cases: id, label, condition); one input per column. */
  | 'objectList'
  | 'json';

export interface FieldDescriptor {
  name: string;
  label: string;
  kind: FieldKind;
  required: boolean;
  help?: string;
  placeholder?: string;
  options?: string[];
  /** For `objectList`: the properties of each row, in schema order. */
  columns?: string[];
}

type JsonSchema = Record<string, unknown>;

const isObject = (value: unknown): value is JsonSchema =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function schemaType(schema: JsonSchema): string | undefined {
  const { type } = schema;
  if (typeof type === 'string') return type;
  if (Array.isArray(type)) return type.find((entry): entry is string => typeof entry === 'string' && entry !== 'null');
  return undefined;
}

function enumOptions(schema: JsonSchema): string[] | undefined {
  return Array.isArray(schema.enum) ? schema.enum.map(String) : undefined;
}

function inferKind(schema: JsonSchema): FieldKind {
  if (enumOptions(schema)) return 'select';
  const type = schemaType(schema);
  if (type === 'boolean') return 'toggle';
  if (type === 'number' || type === 'integer') return 'number';
  if (type === 'string') return 'expression';
  if (
    type === 'object' &&
    isObject(schema.additionalProperties) &&
    schemaType(schema.additionalProperties) === 'string'
  ) {
    return 'keyValue';
  }
  if (type === 'array' && isObject(schema.items)) {
    const itemType = schemaType(schema.items);
    if (itemType === 'string') return 'stringList';
    if (itemType === 'object' && isObject(schema.items.properties) && 'name' in schema.items.properties)
      return 'fieldList';
    if (objectListColumns(schema)) return 'objectList';
  }
  return 'json';
}

/** The columns of an array of flat text objects (every property a string), else undefined. */
function objectListColumns(schema: JsonSchema): string[] | undefined {
  const items = isObject(schema.items) ? schema.items : undefined;
  if (!items || schemaType(items) !== 'object' || !isObject(items.properties)) return undefined;
  const entries = Object.entries(items.properties);
  const flat = entries.every(([, property]) => isObject(property) && schemaType(property) === 'string');
  return flat && entries.length > 0 ? entries.map(([key]) => key) : undefined;
}

function kindFromHint(widget: FieldUiHint['widget'], schema: JsonSchema, inferred: FieldKind): FieldKind {
  switch (widget) {
    case undefined:
      return inferred;
    case 'code':
    case 'textarea':
      return schemaType(schema) === 'string' ? 'textarea' : 'json';
    case 'select':
      return enumOptions(schema) ? 'select' : inferred;
    case 'text':
    case 'expression':
    case 'keyValue':
    case 'fieldList':
    case 'number':
    case 'toggle':
      return widget;
    case 'custom':
      return inferred;
  }
}

function humanize(name: string): string {
  const spaced = name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[_-]+/g, ' ');
  return spaced.charAt(0).toUpperCase() + spaced.slice(1).toLowerCase();
}

export function describeFields(manifest: Pick<StepManifest, 'inputSchema' | 'ui'>): FieldDescriptor[] {
  const properties = isObject(manifest.inputSchema.properties) ? manifest.inputSchema.properties : {};
  const required = new Set(
    Array.isArray(manifest.inputSchema.required) ? manifest.inputSchema.required.map(String) : [],
  );
  // A field with an editor of its own (the webhook's Contract section) is not a generated form field.
  return Object.entries(properties)
    .filter(([name]) => manifest.ui[name]?.widget !== 'custom')
    .map(([name, raw], index) => {
      const schema = isObject(raw) ? raw : {};
      const hint: FieldUiHint = manifest.ui[name] ?? {};
      const help = hint.help ?? (typeof schema.description === 'string' ? schema.description : undefined);
      const options = enumOptions(schema);
      const kind = kindFromHint(hint.widget, schema, inferKind(schema));
      const columns = kind === 'objectList' ? objectListColumns(schema) : undefined;
      const field: FieldDescriptor = {
        name,
        label: hint.label ?? (typeof schema.title === 'string' ? schema.title : humanize(name)),
        kind,
        required: required.has(name),
        ...(help === undefined ? {} : { help }),
        ...(hint.placeholder === undefined ? {} : { placeholder: hint.placeholder }),
        ...(options ? { options } : {}),
        ...(columns ? { columns } : {}),
      };
      return { field, order: hint.order ?? 1000 + index };
    })
    .sort((a, b) => a.order - b.order)
    .map((entry) => entry.field);
}

/** JSON textareas store parsed JSON when the text is valid JSON, else the raw string (e.g. a `{{ }}` template). */
export function parseJsonOrRaw(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export function formatJsonValue(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value;
  return JSON.stringify(value, null, 2);
}

export function parseStringList(text: string): string[] {
  return text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

/** Number inputs: blank means "use the default", stored as absent. */
export function parseOptionalInt(text: string): number | undefined {
  if (text.trim() === '') return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? Math.round(value) : undefined;
}
