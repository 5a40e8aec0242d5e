import type { UiSchema } from '@rjsf/utils';

/**
 * Our UI hints (a step's `ui` map, a credential type's `ui` map) → an rjsf uiSchema.  Pure, so which widget a schema
 * gets is tested without a browser.  Widget names are the hint names; each form's registry implements them.
 */
export interface SchemaFormHint {
  label?: string;
  help?: string;
  placeholder?: string;
  widget?: string;
  order?: number;
}

export type JsonSchema = Record<string, unknown>;
type Hints = Readonly<Record<string, SchemaFormHint | undefined>>;

export interface UiSchemaOptions {
  /** The widget of a plain string field without a hint (the inspector's: `expression`). */
  textWidget?: string;
}

/** Fields rendered by rjsf's array machinery (rows with add/remove) rather than by one widget. */
const ROW_LISTS = new Set(['fieldList', 'objectList']);
/** Widgets rjsf's own string/number/boolean/array fields can host; any other pairing goes through `anyValue`. */
const FITS: Record<string, readonly string[]> = {
  string: ['text', 'expression', 'textarea', 'select', 'password'],
  number: ['number', 'select'],
  integer: ['number', 'select'],
  boolean: ['toggle'],
  array: ['stringList'],
};

export const isObject = (value: unknown): value is JsonSchema =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function schemaType(schema: JsonSchema): string | undefined {
  const { type } = schema;
  if (typeof type === 'string') return type;
  if (Array.isArray(type)) return type.find((entry): entry is string => typeof entry === 'string' && entry !== 'null');
  return undefined;
}

const propertiesOf = (schema: JsonSchema): [string, JsonSchema][] =>
  isObject(schema.properties)
    ? Object.entries(schema.properties).map(([name, raw]): [string, JsonSchema] => [name, isObject(raw) ? raw : {}])
    : [];

/** The columns of an array of flat text objects (every property a string), else undefined. */
function objectListColumns(schema: JsonSchema): string[] | undefined {
  const items = isObject(schema.items) ? schema.items : undefined;
  if (!items || schemaType(items) !== 'object') return undefined;
  const entries = propertiesOf(items);
  const flat = entries.every(([, property]) => schemaType(property) === 'string');
  return flat && entries.length > 0 ? entries.map(([key]) => key) : undefined;
}

function inferWidget(schema: JsonSchema, textWidget: string): string {
  if (Array.isArray(schema.enum)) return 'select';
  const type = schemaType(schema);
  if (type === 'boolean') return 'toggle';
  if (type === 'number' || type === 'integer') return 'number';
  if (type === 'string') return textWidget;
  if (
    type === 'object' &&
    isObject(schema.additionalProperties) &&
    schemaType(schema.additionalProperties) === 'string'
  )
    return 'keyValue';
  if (type === 'array' && isObject(schema.items)) {
    const itemType = schemaType(schema.items);
    if (itemType === 'string') return 'stringList';
    if (itemType === 'object' && isObject(schema.items.properties) && 'name' in schema.items.properties)
      return 'fieldList';
    if (objectListColumns(schema)) return 'objectList';
  }
  return 'json';
}

/** The widget a field gets: its hint's, where the schema allows it, else inferred from the schema. */
export function widgetFor(schema: JsonSchema, hint: SchemaFormHint | undefined, options: UiSchemaOptions = {}): string {
  const inferred = inferWidget(schema, options.textWidget ?? 'text');
  const widget = hint?.widget;
  switch (widget) {
    case undefined:
    case 'custom':
      return inferred;
    case 'code':
    case 'textarea':
      return schemaType(schema) === 'string' ? 'textarea' : 'json';
    case 'select':
      return Array.isArray(schema.enum) ? 'select' : inferred;
    default:
      return widget;
  }
}

export function humanize(name: string): string {
  const spaced = name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[_-]+/g, ' ');
  return spaced.charAt(0).toUpperCase() + spaced.slice(1).toLowerCase();
}

/** A single widget for `schema`: through rjsf's own field when its type can host the widget, else `anyValue`. */
function widgetEntry(schema: JsonSchema, widget: string): UiSchema {
  const type = typeof schema.type === 'string' ? schema.type : undefined;
  const native = type !== undefined && FITS[type]?.includes(widget) === true && !schema.anyOf && !schema.oneOf;
  return native
    ? { 'ui:widget': widget }
    : { 'ui:field': 'anyValue', 'ui:widget': widget, 'ui:fieldReplacesAnyOrOneOf': true };
}

/** One row of a field list or object list: its cells without labels, the column name as placeholder. */
function rowItemsEntry(schema: JsonSchema, widget: string): UiSchema {
  const items = isObject(schema.items) ? schema.items : {};
  const cells: UiSchema = { 'ui:options': { label: false } };
  for (const [name, cell] of propertiesOf(items)) {
    const placeholder =
      widget === 'fieldList'
        ? name === 'name'
          ? 'Field name'
          : 'Value or {{ expression }}'
        : typeof cell.description === 'string'
          ? cell.description
          : humanize(name);
    const cellWidget = schemaType(cell) === 'string' || Array.isArray(cell.enum) ? 'text' : 'expression';
    cells[name] = { ...widgetEntry(cell, cellWidget), 'ui:placeholder': placeholder, 'ui:options': { label: false } };
  }
  return cells;
}

/** The rjsf uiSchema of an object schema's properties: order, label, help, placeholder and widget from the hints. */
export function uiSchemaFor(schema: JsonSchema, hints: Hints, options: UiSchemaOptions = {}): UiSchema {
  const properties = propertiesOf(schema);
  const ordered = properties
    .map(([name], index) => ({ name, order: hints[name]?.order ?? 1000 + index }))
    .sort((a, b) => a.order - b.order)
    .map((entry) => entry.name);
  const uiSchema: UiSchema = { 'ui:order': ordered };
  for (const [name, property] of properties) {
    const hint = hints[name];
    const widget = widgetFor(property, hint, options);
    const help = hint?.help ?? (typeof property.description === 'string' ? property.description : undefined);
    uiSchema[name] = {
      ...(ROW_LISTS.has(widget) ? { 'ui:options': { rowList: widget }, items: rowItemsEntry(property, widget) } : {}),
      ...(ROW_LISTS.has(widget) ? {} : widgetEntry(property, widget)),
      'ui:title': hint?.label ?? (typeof property.title === 'string' ? property.title : humanize(name)),
      ...(help === undefined ? {} : { 'ui:description': help }),
      ...(hint?.placeholder === undefined ? {} : { 'ui:placeholder': hint.placeholder }),
    };
  }
  return uiSchema;
}

/** rjsf renders nothing for an empty schema; this marks an any-typed value (`{}`) so it still gets its field. */
const ANY_VALUE: JsonSchema = { $comment: 'any JSON value' };
const withAnyMarked = (schema: JsonSchema): JsonSchema => (Object.keys(schema).length === 0 ? ANY_VALUE : schema);

/**
 * The schema the form renders: fields whose hint says the app edits them itself (`widget: 'custom'`) left out,
 * any-typed values marked, and no `$schema` (the validator speaks draft-07; zod writes 2020-12).
 */
export function formSchemaFor(schema: JsonSchema, hints: Hints): JsonSchema {
  const { $schema: _dialect, ...rest } = schema;
  const kept = propertiesOf(schema)
    .filter(([name]) => hints[name]?.widget !== 'custom')
    .map(([name, property]): [string, JsonSchema] => {
      const items = isObject(property.items) ? property.items : undefined;
      if (!items || !isObject(items.properties)) return [name, withAnyMarked(property)];
      const cells = propertiesOf(items).map(([cell, cellSchema]) => [cell, withAnyMarked(cellSchema)]);
      return [name, { ...property, items: { ...items, properties: Object.fromEntries(cells) } }];
    });
  const names = new Set(kept.map(([name]) => name));
  const required = Array.isArray(schema.required) ? schema.required.filter((name) => names.has(String(name))) : [];
  return { ...rest, type: 'object', properties: Object.fromEntries(kept), required };
}
