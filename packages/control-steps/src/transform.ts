import { assertSafePath, deleteOwnPath, ReservedKeyError, setOwnPath } from '@pipewright/step-sdk/safe-object';
import type { InlineControlStep, WrittenName } from './control-step.ts';
import { isRecord } from './records.ts';

export const CORE_TRANSFORM_TYPE = 'core.transform';

export interface TransformConfig {
  fields: { name: string; value: unknown }[];
  keepInput: boolean;
  remove: string[];
}

/** Throws an Error with a user-facing message when the evaluated config does not have the transform's shape. */
export function parseTransformConfig(config: unknown): TransformConfig {
  if (!isRecord(config)) throw new Error('config must be an object');
  const fields = config.fields ?? [];
  if (!Array.isArray(fields)) throw new Error('fields: must be a list');
  const parsedFields = fields.map((field: unknown, index) => {
    if (!isRecord(field) || typeof field.name !== 'string' || field.name === '') {
      throw new Error(`fields.${index}.name: must be a non-empty text`);
    }
    refuseReserved(field.name, `fields.${index}.name`);
    return { name: field.name, value: field.value === undefined ? null : field.value };
  });
  const keepInput = config.keepInput ?? false;
  if (typeof keepInput !== 'boolean') throw new Error('keepInput: must be true or false');
  const remove = config.remove ?? [];
  if (!Array.isArray(remove) || !remove.every((name): name is string => typeof name === 'string')) {
    throw new Error('remove: must be a list of field names');
  }
  remove.forEach((name, index) => {
    refuseReserved(name, `remove.${index}`);
  });
  return { fields: parsedFields, keepInput, remove };
}

/**
 * Field names may come from data (`{{ trigger.body.field }}`), where the compiler cannot see them: a reserved segment
 * (`__proto__.x`, `constructor.prototype.x`) fails the node, naming the field.
 */
function refuseReserved(name: string, field: string): void {
  try {
    assertSafePath(name.split('.'));
  } catch (error) {
    if (error instanceof ReservedKeyError) throw new Error(`${field}: the field name ${error.message}`);
    throw error;
  }
}

/**
 * Builds the transform's output from its (evaluated) config and the upstream output.  Paths are written and removed
 * through own properties only, so no name reaches a prototype.
 */
export function applyTransform(config: TransformConfig, input: unknown): Record<string, unknown> {
  // A deep copy: nested sets must never reach into the upstream node's recorded output.  JSON.parse keeps a
  // `__proto__` key of the data as an own property.
  const result: Record<string, unknown> = config.keepInput && isRecord(input) ? cloneJson(input) : {};
  for (const field of config.fields) setOwnPath(result, field.name.split('.'), field.value);
  for (const name of config.remove) deleteOwnPath(result, name.split('.'));
  return result;
}

function cloneJson(value: Record<string, unknown>): Record<string, unknown> {
  const copy: unknown = JSON.parse(JSON.stringify(value));
  return isRecord(copy) ? copy : {};
}

/** Field names and removed fields are dotted paths written into the output object. */
function writtenNames(config: Record<string, unknown>): WrittenName[] {
  const names: WrittenName[] = [];
  const { fields, remove } = config;
  if (Array.isArray(fields)) {
    fields.forEach((entry: unknown, index) => {
      if (entry !== null && typeof entry === 'object' && 'name' in entry && typeof entry.name === 'string') {
        names.push({ field: `config.fields.${index}.name`, what: 'the field name', name: entry.name, isPath: true });
      }
    });
  }
  if (Array.isArray(remove)) {
    remove.forEach((name: unknown, index) => {
      if (typeof name === 'string') {
        names.push({ field: `config.remove.${index}`, what: 'the removed field', name, isPath: true });
      }
    });
  }
  return names;
}

/**
 * Sets, renames and computes fields, inside the workflow (no activity, no round trip): its config has already been
 * evaluated against the run context (every `{{ … }}` replaced by its value), so this only shapes the output object.
 */
export const transformControlStep: InlineControlStep = {
  kind: 'inline',
  type: CORE_TRANSFORM_TYPE,
  awaitsOutside: false,
  writtenNames,
  evaluate(config, input) {
    return { output: applyTransform(parseTransformConfig(config), input) };
  },
};
