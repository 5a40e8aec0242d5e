/**
 * The field shape the expression-aware inputs (`TextFieldInput`, `JsonFieldInput`) take, and the value parsers they
 * and the settings inputs share.  Which widget a schema gets is `uiSchemaFor` (ui/schema-form), not this file.
 */
export type FieldKind = 'text' | 'expression' | 'textarea' | 'json';

export interface FieldDescriptor {
  /** The control's test id and id are `field-<name>`. */
  name: string;
  label: string;
  kind: FieldKind;
  required: boolean;
  help?: string;
  placeholder?: string;
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

/** Number inputs: blank means "use the default", stored as absent. */
export function parseOptionalInt(text: string): number | undefined {
  if (text.trim() === '') return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? Math.round(value) : undefined;
}
