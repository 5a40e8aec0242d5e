import type { CredentialTypeView } from '@pipewright/api-contract';
import type { UiSchema } from '@rjsf/utils';
import { formSchemaFor, isObject, type JsonSchema, uiSchemaFor } from '../ui/schema-form/ui-schema.ts';

export type CredentialFormKind = 'create' | 'edit' | 'rotate';

const LIST_NOTE = 'Separate items with commas.';

/**
 * A credential type's form: the type's fields (rotate: its secret fields only), secrets as password inputs, a
 * field with a default optional and showing the default as its placeholder (the server applies it when left empty),
 * and, when editing, a saved secret saying that empty keeps it.
 */
export function credentialFormSchemas(
  type: CredentialTypeView,
  form: { kind: CredentialFormKind; savedSecrets: readonly string[] },
): { schema: JsonSchema; uiSchema: UiSchema } {
  const secret = new Set(type.secretFields);
  const full = formSchemaFor(type.fieldsSchema, type.ui);
  const properties = Object.entries(isObject(full.properties) ? full.properties : {}).filter(
    ([name]) => form.kind !== 'rotate' || secret.has(name),
  );
  const defaults = new Map(
    properties.flatMap(([name, raw]) => (isObject(raw) && 'default' in raw ? [[name, raw.default]] : [])),
  );
  const names = new Set(properties.map(([name]) => name));
  const required = (Array.isArray(full.required) ? full.required.map(String) : []).filter(
    (name) => names.has(name) && !defaults.has(name),
  );
  const schema: JsonSchema = { ...full, properties: Object.fromEntries(properties), required };
  const uiSchema = uiSchemaFor(schema, type.ui);
  for (const [name, raw] of properties) {
    const entry: UiSchema = { ...(isObject(uiSchema[name]) ? uiSchema[name] : {}) };
    if (secret.has(name)) entry['ui:widget'] = 'password';
    const placeholder =
      secret.has(name) && form.kind === 'edit' && form.savedSecrets.includes(name)
        ? 'saved — leave empty to keep'
        : (type.ui[name]?.placeholder ?? (defaults.has(name) ? `default: ${String(defaults.get(name))}` : undefined));
    if (placeholder !== undefined) entry['ui:placeholder'] = placeholder;
    if (isObject(raw) && raw.type === 'array') {
      const help = entry['ui:description'];
      entry['ui:description'] = typeof help === 'string' ? `${LIST_NOTE} ${help}` : LIST_NOTE;
    }
    uiSchema[name] = entry;
  }
  return { schema, uiSchema };
}

/** Saved non-secret values → the edit form's values (secrets are never prefilled: the API never returns them). */
export function prefillValues(
  type: CredentialTypeView,
  publicValues: Record<string, unknown>,
): Record<string, unknown> {
  const secret = new Set(type.secretFields);
  return Object.fromEntries(Object.entries(publicValues).filter(([name]) => !secret.has(name)));
}

/**
 * The values to send: empty inputs are left out, so defaults apply and, when editing, a secret left empty keeps its
 * saved value.
 */
export function valuesToSend(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined && value !== ''));
}
