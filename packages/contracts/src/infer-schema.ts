import { CONTRACT_LIMITS } from './limits.ts';

export type JsonSchema = Record<string, unknown>;

type JsonType = 'object' | 'array' | 'string' | 'number' | 'integer' | 'boolean' | 'null';
/** The order alternatives are listed in, so the same samples always give the same schema. */
const TYPE_ORDER: readonly JsonType[] = ['object', 'array', 'string', 'number', 'integer', 'boolean', 'null'];

/**
 * A JSON Schema that every sample satisfies, kept simple and deterministic: types (`integer` when every number is
 * whole), objects with their properties (sorted by name) and `required` = the keys present in every sample, arrays
 * with one `items` schema for all their elements, `[type, "null"]` for a value that is sometimes null, `anyOf` for
 * a value of several other types. No `additionalProperties: false`: a sender adding a field is not a violation.
 * Reads at most CONTRACT_LIMITS.maxSamples samples; deeper than maxInferredDepth, anything is accepted (`{}`).
 *
 * @example inferSchema([{ id: 'a1', n: 1 }, { id: 'b2' }])
 * // → { type: 'object', properties: { id: { type: 'string' }, n: { type: 'integer' } }, required: ['id'] }
 */
export function inferSchema(samples: readonly unknown[]): JsonSchema {
  return describe(samples.slice(0, CONTRACT_LIMITS.maxSamples), 0);
}

function typeOf(value: unknown): JsonType | undefined {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  switch (typeof value) {
    case 'string':
      return 'string';
    case 'boolean':
      return 'boolean';
    case 'number':
      return Number.isInteger(value) ? 'integer' : 'number';
    case 'object':
      return 'object';
    default:
      return undefined;
  }
}

function describe(values: readonly unknown[], depth: number): JsonSchema {
  if (values.length === 0 || depth >= CONTRACT_LIMITS.maxInferredDepth) return {};
  const byType = new Map<JsonType, unknown[]>();
  // A field that is sometimes 1 and sometimes 1.5 is a number.
  const anyFractional = values.some((value) => typeOf(value) === 'number');
  for (const value of values) {
    let type = typeOf(value);
    if (type === undefined) continue;
    if (type === 'integer' && anyFractional) type = 'number';
    const group = byType.get(type);
    if (group) group.push(value);
    else byType.set(type, [value]);
  }
  const schemas = TYPE_ORDER.filter((type) => byType.has(type)).map((type) =>
    describeType(type, byType.get(type) ?? [], depth),
  );
  const [first, second] = schemas;
  if (first === undefined) return {};
  if (second === undefined) return first;
  if (schemas.length === 2 && second.type === 'null') return { ...first, type: [first.type, 'null'] };
  return { anyOf: schemas };
}

function describeType(type: JsonType, values: unknown[], depth: number): JsonSchema {
  if (type === 'array') {
    const elements = values.flatMap((value) => (Array.isArray(value) ? value : []));
    return elements.length === 0 ? { type } : { type, items: describe(elements, depth + 1) };
  }
  if (type !== 'object') return { type };
  const objects = values.filter((value): value is object => typeof value === 'object' && value !== null);
  const keys = [...new Set(objects.flatMap((value) => Object.keys(value)))].sort();
  const described = keys.slice(0, CONTRACT_LIMITS.maxInferredProperties);
  // Built from entries, so a key such as `__proto__` stays an own property named so.
  const properties = Object.fromEntries(
    described.map((key) => [
      key,
      describe(
        objects.filter((value) => Object.hasOwn(value, key)).map((value) => ownValue(value, key)),
        depth + 1,
      ),
    ]),
  );
  const required = described.filter((key) => objects.every((value) => Object.hasOwn(value, key)));
  return {
    type,
    ...(described.length > 0 ? { properties } : {}),
    ...(required.length > 0 ? { required } : {}),
  };
}

const ownValue = (value: object, key: string): unknown => Object.getOwnPropertyDescriptor(value, key)?.value;
