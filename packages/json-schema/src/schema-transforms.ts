const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const defineOwn = (target: Record<string, unknown>, key: string, value: unknown): void => {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
};

const ownSchema = (map: unknown, key: string): Record<string, unknown> | undefined => {
  if (!isPlainObject(map)) return undefined;
  const value: unknown = Object.getOwnPropertyDescriptor(map, key)?.value;
  return isPlainObject(value) ? value : undefined;
};

/** Defaults are JSON: a copy keeps one stored value from aliasing the schema. */
const cloneJson = (value: unknown): unknown =>
  value === null || typeof value !== 'object' ? value : JSON.parse(JSON.stringify(value));

/**
 * Writes each absent field's `default` into `value` (a copy the caller owns, e.g. from `copyValue`), through
 * `properties`, array `items` and `additionalProperties`, as own data. `$ref`s are not followed.
 *
 * @example
 * const value = { host: 'db' };
 * applyDefaults({ properties: { port: { default: 5432 } } }, value); // value → { host: 'db', port: 5432 }
 */
export function applyDefaults(schema: unknown, value: unknown): void {
  const pending: { schema: unknown; value: unknown }[] = [{ schema, value }];
  while (pending.length > 0) {
    const next = pending.pop();
    if (next === undefined || !isPlainObject(next.schema)) continue;
    const { schema: at, value: data } = next;
    if (Array.isArray(data)) {
      if (isPlainObject(at.items)) for (const item of data) pending.push({ schema: at.items, value: item });
      continue;
    }
    if (!isPlainObject(data)) continue;
    const properties = isPlainObject(at.properties) ? at.properties : {};
    for (const name of Object.keys(properties)) {
      const property = ownSchema(properties, name);
      if (property && !Object.hasOwn(data, name) && property.default !== undefined) {
        defineOwn(data, name, cloneJson(property.default));
      }
    }
    for (const [name, item] of Object.entries(data)) {
      const property =
        ownSchema(properties, name) ?? (isPlainObject(at.additionalProperties) ? at.additionalProperties : undefined);
      if (property) pending.push({ schema: property, value: item });
    }
  }
}

/**
 * A copy of `schema` in which every object schema that does not say otherwise refuses fields it does not describe
 * (`additionalProperties: false`), through `properties`, `items`, `anyOf`, `oneOf` and `$defs`. For a form whose
 * fields are all declared (a credential type's), so a mistyped field name is an error, not silently kept.
 */
export function closeObjects(schema: Record<string, unknown>): Record<string, unknown> {
  const copy = cloneJson(schema);
  if (!isPlainObject(copy)) return schema;
  const pending: unknown[] = [copy];
  while (pending.length > 0) {
    const next = pending.pop();
    if (!isPlainObject(next)) continue;
    const isObjectSchema = next.type === 'object' || isPlainObject(next.properties);
    if (isObjectSchema && next.additionalProperties === undefined && next.unevaluatedProperties === undefined) {
      next.additionalProperties = false;
    }
    for (const key of ['properties', '$defs', 'definitions']) {
      const map = next[key];
      if (isPlainObject(map)) pending.push(...Object.values(map));
    }
    for (const key of ['anyOf', 'oneOf']) {
      const list = next[key];
      if (Array.isArray(list)) pending.push(...list);
    }
    pending.push(next.items, next.additionalProperties);
  }
  return copy;
}
