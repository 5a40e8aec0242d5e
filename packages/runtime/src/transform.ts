/**
 * The `core.transform` step, evaluated inside the workflow: its config has already been evaluated against the run
 * context (every `{{ … }}` replaced by its value), so this only shapes the output object.
 */

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
    return { name: field.name, value: field.value === undefined ? null : field.value };
  });
  const keepInput = config.keepInput ?? false;
  if (typeof keepInput !== 'boolean') throw new Error('keepInput: must be true or false');
  const remove = config.remove ?? [];
  if (!Array.isArray(remove) || !remove.every((name): name is string => typeof name === 'string')) {
    throw new Error('remove: must be a list of field names');
  }
  return { fields: parsedFields, keepInput, remove };
}

/** Builds the transform's output from its (evaluated) config and the upstream output. */
export function applyTransform(config: TransformConfig, input: unknown): Record<string, unknown> {
  // A deep copy: nested sets must never reach into the upstream node's recorded output.
  const result: Record<string, unknown> = config.keepInput && isRecord(input) ? cloneJson(input) : {};
  for (const field of config.fields) setPath(result, field.name.split('.'), field.value);
  for (const name of config.remove) deletePath(result, name.split('.'));
  return result;
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let cursor = target;
  for (const key of path.slice(0, -1)) {
    const next = cursor[key];
    if (isRecord(next)) cursor = next;
    else {
      const created: Record<string, unknown> = {};
      cursor[key] = created;
      cursor = created;
    }
  }
  const last = path[path.length - 1];
  if (last !== undefined) cursor[last] = value;
}

function deletePath(target: Record<string, unknown>, path: string[]): void {
  let cursor: Record<string, unknown> = target;
  for (const key of path.slice(0, -1)) {
    const next = cursor[key];
    if (!isRecord(next)) return;
    cursor = next;
  }
  const last = path[path.length - 1];
  if (last !== undefined) delete cursor[last];
}

function cloneJson(value: Record<string, unknown>): Record<string, unknown> {
  const copy: unknown = JSON.parse(JSON.stringify(value));
  return isRecord(copy) ? copy : {};
}

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
