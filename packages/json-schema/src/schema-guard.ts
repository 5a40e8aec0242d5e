import { SCHEMA_LISTS, SCHEMA_MAPS, SCHEMA_VALUES } from './keywords.ts';
import { SCHEMA_LIMITS } from './limits.ts';
import { formatPath, type PathSegment } from './paths.ts';
import { patternRisk } from './pattern-risk.ts';

/** What is wrong with a schema, and where: `segments` from the schema's root (`schema.properties.a.$ref`). */
export interface SchemaProblem {
  segments: PathSegment[];
  path: string;
  message: string;
}

/** A schema ready for Ajv: a copy, with the checks the server must not run taken out (listed in `skipped`). */
export type PreparedSchema =
  | { ok: true; schema: Record<string, unknown>; text: string; skipped: string[] }
  | { ok: false; problem: SchemaProblem };

export function problemAt(segments: PathSegment[], message: string): SchemaProblem {
  return { segments, path: formatPath('schema', segments), message };
}

/** `$schema` values accepted at the root (and dropped: every schema compiles as 2020-12). */
const JSON_SCHEMA_DIALECT = /^https?:\/\/json-schema\.org\/(draft\/2020-12|draft\/2019-09|draft-0[467])\/schema#?$/;
/** The id every prepared schema gets (never registered, never fetched). */
const ROOT_ID = 'urn:pipewright:schema';
const SCALAR_TYPES = new Set(['string', 'number', 'integer', 'boolean', 'null']);
/** `uniqueItems` over non-scalar items compares every pair (Ajv's quadratic loop): checked only up to this many. */
const MAX_UNIQUE_ITEMS = 1000;

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Checks a schema as hostile input before Ajv compiles it (a step package's manifest may say anything): size and
 * depth within SCHEMA_LIMITS, no `$id`, no `__proto__` names, patterns of bounded length. Returns a copy to compile,
 * from which what the server must not do is dropped rather than refused — a `$ref` to another document (never
 * fetched), a pattern that may backtrack, `uniqueItems` over a long list of objects — listed in `skipped`: the
 * worker still checks those with the step's own zod schema.
 */
export function prepareSchema(schema: unknown): PreparedSchema {
  if (!isPlainObject(schema)) return { ok: false, problem: problemAt([], 'must be a JSON object (a JSON Schema)') };
  const tooDeep = depthProblem(schema);
  if (tooDeep) return { ok: false, problem: tooDeep };
  let text: string;
  try {
    text = JSON.stringify(schema);
  } catch {
    return { ok: false, problem: problemAt([], 'is not JSON') };
  }
  if (text.length > SCHEMA_LIMITS.maxSchemaChars) {
    return {
      ok: false,
      problem: problemAt(
        [],
        `is ${text.length} characters of JSON; a schema may have at most ${SCHEMA_LIMITS.maxSchemaChars}`,
      ),
    };
  }
  // A copy (JSON.parse keeps a `__proto__` key as data), so the checks below may edit it.
  const copy: unknown = JSON.parse(text);
  if (!isPlainObject(copy)) return { ok: false, problem: problemAt([], 'must be a JSON object (a JSON Schema)') };
  const skipped: string[] = [];
  const problem = walkSchema(copy, skipped);
  if (problem) return { ok: false, problem };
  // With nothing registered on the instance (addUsedSchema: false), Ajv resolves `$ref: "#"` only against an id.
  copy.$id = ROOT_ID;
  return { ok: true, schema: copy, text, skipped };
}

/** Iterative, so a hostile nesting cannot overflow the stack before it is measured. */
function depthProblem(schema: Record<string, unknown>): SchemaProblem | undefined {
  const pending: { value: unknown; segments: PathSegment[] }[] = [{ value: schema, segments: [] }];
  while (pending.length > 0) {
    const next = pending.pop();
    if (next === undefined || typeof next.value !== 'object' || next.value === null) continue;
    if (next.segments.length >= SCHEMA_LIMITS.maxSchemaDepth) {
      return problemAt(next.segments, `nests deeper than ${SCHEMA_LIMITS.maxSchemaDepth} levels`);
    }
    const entries: [PathSegment, unknown][] = Array.isArray(next.value)
      ? next.value.map((item, index) => [index, item])
      : Object.entries(next.value);
    for (const [key, value] of entries) pending.push({ value, segments: [...next.segments, key] });
  }
  return undefined;
}

/** Walks the schema positions (not the data inside `const`, `enum`, `default` or `examples`). */
function walkSchema(root: Record<string, unknown>, skipped: string[]): SchemaProblem | undefined {
  const pending: { schema: unknown; segments: PathSegment[] }[] = [{ schema: root, segments: [] }];
  while (pending.length > 0) {
    const next = pending.pop();
    if (next === undefined || !isPlainObject(next.schema)) continue;
    const { schema, segments } = next;
    const own = ownProblem(schema, segments, skipped);
    if (own) return own;
    for (const [keyword, value] of Object.entries(schema)) {
      const at = [...segments, keyword];
      if (SCHEMA_VALUES.has(keyword)) pending.push({ schema: value, segments: at });
      else if (SCHEMA_LISTS.has(keyword) && Array.isArray(value)) {
        value.forEach((item, index) => {
          pending.push({ schema: item, segments: [...at, index] });
        });
      } else if (SCHEMA_MAPS.has(keyword) && isPlainObject(value)) {
        if (Object.hasOwn(value, '__proto__')) {
          return problemAt([...at, '__proto__'], 'is a reserved name (it names the object prototype, not data)');
        }
        for (const [name, item] of Object.entries(value)) pending.push({ schema: item, segments: [...at, name] });
      }
    }
  }
  return undefined;
}

function ownProblem(schema: Record<string, unknown>, segments: PathSegment[], skipped: string[]) {
  for (const keyword of ['$ref', '$dynamicRef']) {
    const ref = schema[keyword];
    if (!Object.hasOwn(schema, keyword)) continue;
    if (typeof ref !== 'string') return problemAt([...segments, keyword], 'must be a reference (text)');
    // Another document is never fetched: the reference stands for any value, as JSON Schema treats the unknown.
    if (!ref.startsWith('#')) {
      skipped.push(formatPath('schema', [...segments, keyword]));
      delete schema[keyword];
    }
  }
  if (Object.hasOwn(schema, '$id'))
    return problemAt([...segments, '$id'], 'is not allowed: a schema is self-contained');
  if (Object.hasOwn(schema, '$schema')) {
    if (segments.length > 0 || typeof schema.$schema !== 'string' || !JSON_SCHEMA_DIALECT.test(schema.$schema)) {
      return problemAt([...segments, '$schema'], 'must name a JSON Schema draft, at the top of the schema only');
    }
    delete schema.$schema;
  }
  if (typeof schema.pattern === 'string') {
    if (schema.pattern.length > SCHEMA_LIMITS.maxPatternChars) {
      return problemAt([...segments, 'pattern'], `may have at most ${SCHEMA_LIMITS.maxPatternChars} characters`);
    }
    if (patternRisk(schema.pattern)) {
      skipped.push(formatPath('schema', [...segments, 'pattern']));
      delete schema.pattern;
    }
  }
  if (isPlainObject(schema.patternProperties)) {
    for (const pattern of Object.keys(schema.patternProperties)) {
      if (pattern.length > SCHEMA_LIMITS.maxPatternChars || patternRisk(pattern)) {
        return problemAt(
          [...segments, 'patternProperties', pattern],
          'is a pattern that may take too long to match (nested or alternated repetition, or too long)',
        );
      }
    }
  }
  if (schema.uniqueItems === true && !hasScalarItems(schema)) {
    const max = schema.maxItems;
    if (typeof max !== 'number' || max > MAX_UNIQUE_ITEMS) {
      skipped.push(formatPath('schema', [...segments, 'uniqueItems']));
      delete schema.uniqueItems;
    }
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
