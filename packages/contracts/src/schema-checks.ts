import { SCHEMA_LISTS, SCHEMA_MAPS, SCHEMA_VALUES } from '@pipewright/json-schema/keywords';
import { formatPath, type PathSegment } from '@pipewright/json-schema/paths';
import { CONTRACT_LIMITS } from './limits.ts';
import { regExpProblem } from './linear-regexp.ts';
import { CONTRACT_FORMATS } from './shared-ajv.ts';

/** What is wrong with a contract's schema, and where: `segments` from the schema's root. */
export interface ContractProblem {
  segments: PathSegment[];
  /** `schema.properties.order.pattern` */
  path: string;
  message: string;
}

export const JSON_SCHEMA_2020 = 'https://json-schema.org/draft/2020-12/schema';

const FORMATS: ReadonlySet<string> = new Set(CONTRACT_FORMATS);

export function problemAt(segments: PathSegment[], message: string): ContractProblem {
  return { segments, path: formatPath('schema', segments), message };
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The checks Ajv does not make, run before it compiles anything: size and depth within CONTRACT_LIMITS, references
 * local only (`#…`: nothing is fetched, no other schema is reached), no `$id` (the Ajv instance is shared), patterns
 * RE2 accepts, formats the validator knows, `uniqueItems` only where it stays cheap. The first problem found, or undefined.
 */
export function hostileSchemaProblem(schema: unknown): ContractProblem | undefined {
  if (!isPlainObject(schema)) return problemAt([], 'must be a JSON object (a JSON Schema)');
  const tooDeep = depthProblem(schema);
  if (tooDeep) return tooDeep;
  const chars = JSON.stringify(schema).length;
  if (chars > CONTRACT_LIMITS.maxSchemaChars) {
    return problemAt(
      [],
      `is ${chars} characters of JSON; a contract may have at most ${CONTRACT_LIMITS.maxSchemaChars}`,
    );
  }
  return keywordProblem(schema);
}

/** Iterative, so a hostile nesting cannot overflow the stack before it is measured. */
function depthProblem(schema: Record<string, unknown>): ContractProblem | undefined {
  const pending: { value: unknown; segments: PathSegment[] }[] = [{ value: schema, segments: [] }];
  while (pending.length > 0) {
    const next = pending.pop();
    if (next === undefined || typeof next.value !== 'object' || next.value === null) continue;
    if (next.segments.length >= CONTRACT_LIMITS.maxSchemaDepth) {
      return problemAt(
        next.segments,
        `nests deeper than ${CONTRACT_LIMITS.maxSchemaDepth} levels; a contract may nest at most that deep`,
      );
    }
    const entries: [PathSegment, unknown][] = Array.isArray(next.value)
      ? next.value.map((item, index) => [index, item])
      : Object.entries(next.value);
    for (const [key, value] of entries) pending.push({ value, segments: [...next.segments, key] });
  }
  return undefined;
}

/** Walks the schema positions (not the data inside `const`, `enum`, `default` or `examples`). */
function keywordProblem(root: Record<string, unknown>): ContractProblem | undefined {
  const pending: { schema: unknown; segments: PathSegment[] }[] = [{ schema: root, segments: [] }];
  while (pending.length > 0) {
    const next = pending.pop();
    if (next === undefined || !isPlainObject(next.schema)) continue;
    const { schema, segments } = next;
    const own = ownProblem(schema, segments, segments.length === 0);
    if (own) return own;
    for (const [keyword, value] of Object.entries(schema)) {
      const at = [...segments, keyword];
      if (SCHEMA_VALUES.has(keyword)) pending.push({ schema: value, segments: at });
      else if (SCHEMA_LISTS.has(keyword) && Array.isArray(value)) {
        value.forEach((item, index) => {
          pending.push({ schema: item, segments: [...at, index] });
        });
      } else if (SCHEMA_MAPS.has(keyword) && isPlainObject(value)) {
        for (const [name, item] of Object.entries(value)) pending.push({ schema: item, segments: [...at, name] });
      }
    }
  }
  return undefined;
}

function ownProblem(
  schema: Record<string, unknown>,
  segments: PathSegment[],
  isRoot: boolean,
): ContractProblem | undefined {
  for (const keyword of ['$ref', '$dynamicRef']) {
    const ref = schema[keyword];
    if (Object.hasOwn(schema, keyword) && (typeof ref !== 'string' || !ref.startsWith('#'))) {
      return problemAt(
        [...segments, keyword],
        'must be a reference inside this schema (such as #/$defs/address): other documents are never fetched',
      );
    }
  }
  if (Object.hasOwn(schema, '$id')) {
    return problemAt([...segments, '$id'], 'is not allowed: a contract is one self-contained schema');
  }
  if (Object.hasOwn(schema, '$schema') && (!isRoot || schema.$schema !== JSON_SCHEMA_2020)) {
    return problemAt(
      [...segments, '$schema'],
      isRoot ? `must be ${JSON_SCHEMA_2020} (or left out)` : 'is allowed only at the top of the schema',
    );
  }
  if (typeof schema.pattern === 'string') {
    const problem = regExpProblem(schema.pattern);
    if (problem) return problemAt([...segments, 'pattern'], problem);
  }
  if (isPlainObject(schema.patternProperties)) {
    for (const pattern of Object.keys(schema.patternProperties)) {
      const problem = regExpProblem(pattern);
      if (problem) return problemAt([...segments, 'patternProperties', pattern], problem);
    }
  }
  if (schema.uniqueItems === true && !hasScalarItems(schema)) {
    const max = schema.maxItems;
    if (typeof max !== 'number' || max > CONTRACT_LIMITS.maxUniqueItems) {
      return problemAt(
        [...segments, 'uniqueItems'],
        `needs "maxItems" of at most ${CONTRACT_LIMITS.maxUniqueItems} beside it (or items of a scalar "type"): comparing every pair of a long list would hold the server`,
      );
    }
  }
  if (typeof schema.format === 'string' && !FORMATS.has(schema.format)) {
    return problemAt([...segments, 'format'], `must be one of ${[...FORMATS].join(', ')}`);
  }
  return undefined;
}

/** Items declared as scalars only: Ajv then checks uniqueness in one pass (a hash of values). */
function hasScalarItems(schema: Record<string, unknown>): boolean {
  const items = schema.items;
  if (!isPlainObject(items)) return false;
  const types = Array.isArray(items.type) ? items.type : [items.type];
  return types.length > 0 && types.every((type) => typeof type === 'string' && SCALAR_TYPES.has(type));
}

const SCALAR_TYPES = new Set(['string', 'number', 'integer', 'boolean', 'null']);
