import { CORE_TRANSFORM_TYPE } from '@pipewright/control-steps';
import type { NodeContext } from '../node-context.ts';
import { IDENTITY, isRecord, listOf, type NodeTranslator, recordOf } from '../node-translation.ts';

interface Field {
  name: string;
  value: unknown;
  /** The n8n parameter path the value came from, for the report. */
  field: string;
  type: string;
}

/**
 * n8n Set / Edit Fields → Transform.  Reads v1–v2 (`values.{string,number,boolean}`), v3.0–3.2 (`fields.values`
 * with `stringValue`/`numberValue`/…) and v3.3+ (`assignments.assignments`).  "Keep only set" / "include other
 * fields" become `keepInput`.
 */
export const setTranslator: NodeTranslator = {
  isTrigger: false,
  shape: () => IDENTITY,
  translate(context) {
    const { parameters } = context.node;
    const version = context.node.typeVersion;
    if (parameters.mode === 'raw') return rawMode(context);
    const fields = version < 3 ? fieldsV1(parameters) : version < 3.3 ? fieldsV30(parameters) : fieldsV33(parameters);
    const keepInput = version < 3 ? parameters.keepOnlySet !== true : parameters.includeOtherFields === true;
    if (version >= 3 && keepInput && typeof parameters.include === 'string' && parameters.include !== 'all') {
      context.report(`"include ${parameters.include} fields" is not translated: every input field is kept`, 'include');
    }
    for (const field of fields.filter((entry) => entry.name === '')) {
      context.report('a field without a name is left out', field.field);
    }
    return {
      type: CORE_TRANSFORM_TYPE,
      config: {
        fields: fields
          .filter((field) => field.name !== '')
          .map((field) => ({ name: field.name, value: typedValue(context, field) })),
        keepInput,
        remove: [],
      },
      ports: ['out'],
    };
  },
};

function typedValue(context: NodeContext, field: Field): unknown {
  const value = context.value(field.field, field.value);
  if (typeof value !== 'string' || value.includes('{{')) return value;
  if (field.type === 'number' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  if (field.type === 'boolean' && (value === 'true' || value === 'false')) return value === 'true';
  if ((field.type === 'array' || field.type === 'object') && value.trim() !== '') {
    try {
      return JSON.parse(value);
    } catch {
      context.report(`the ${field.type} value is not JSON; it is kept as text`, field.field);
    }
  }
  return value;
}

function fieldsV1(parameters: Record<string, unknown>): Field[] {
  const values = recordOf(parameters.values);
  return Object.entries(values).flatMap(([type, list]) =>
    listOf(list)
      .filter(isRecord)
      .map((entry, index) => ({
        name: String(entry.name ?? ''),
        value: entry.value ?? (type === 'boolean' ? false : ''),
        field: `values.${type}.${index}.value`,
        type,
      })),
  );
}

function fieldsV30(parameters: Record<string, unknown>): Field[] {
  return listOf(recordOf(parameters.fields).values)
    .filter(isRecord)
    .map((entry, index) => {
      const type = typeof entry.type === 'string' ? entry.type.replace(/Value$/, '') : 'string';
      return {
        name: String(entry.name ?? ''),
        value: entry[`${type}Value`] ?? '',
        field: `fields.values.${index}.${type}Value`,
        type,
      };
    });
}

function fieldsV33(parameters: Record<string, unknown>): Field[] {
  return listOf(recordOf(parameters.assignments).assignments)
    .filter(isRecord)
    .map((entry, index) => ({
      name: String(entry.name ?? ''),
      value: entry.value ?? '',
      field: `assignments.assignments.${index}.value`,
      type: typeof entry.type === 'string' ? entry.type : 'string',
    }));
}

/** Raw (JSON) mode: translated when the JSON has no expressions, else reported. */
function rawMode(context: NodeContext) {
  const raw = context.node.parameters.jsonOutput;
  let fields: { name: string; value: unknown }[] = [];
  const text = typeof raw === 'string' ? raw.replace(/^=/, '') : '';
  if (text.includes('{{')) {
    context.report('JSON mode with expressions is not translated: add the fields on the Transform', 'jsonOutput');
  } else {
    try {
      const parsed: unknown = JSON.parse(text);
      fields = Object.entries(recordOf(parsed)).map(([name, value]) => ({ name, value }));
    } catch {
      context.report('the JSON output is not valid JSON: add the fields on the Transform', 'jsonOutput');
    }
  }
  const keepInput = context.node.parameters.includeOtherFields === true;
  return { type: CORE_TRANSFORM_TYPE, config: { fields, keepInput, remove: [] }, ports: ['out'] };
}
