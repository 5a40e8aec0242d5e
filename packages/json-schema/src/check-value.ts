import type { ErrorObject } from 'ajv';
import { compileSchema } from './compile-schema.ts';
import { SCHEMA_LIMITS } from './limits.ts';
import { describeError } from './messages.ts';
import { type PathSegment, pointerSegments, typedSegments, valueAt } from './paths.ts';
import type { SchemaProblem } from './schema-guard.ts';

/** One way a value breaks its schema: where (`['items', 2, 'name']`), which rule, and why in plain words. */
export interface SchemaIssue {
  segments: PathSegment[];
  keyword: string;
  message: string;
}

export interface CheckOptions {
  /** Values that pass every check wherever they stand (the compiler's `{{ templates }}`). */
  isWildcard?: (value: unknown) => boolean;
  /** The message for a field the schema does not allow; default `is not a known field`. */
  unknownProperty?: string;
  /** Keywords whose failures are left to another check (the compiler leaves `pattern` to the step's zod schema). */
  ignoreKeywords?: readonly string[];
}

/**
 * `ok`: the value (a JSON copy: own keys only, `undefined` fields left out) passes. Otherwise the issues, one per
 * field, or the schema's own problem when it cannot be compiled.
 */
export type ValueCheck =
  | { ok: true; value: unknown; skipped: string[] }
  | { ok: false; issues: SchemaIssue[]; problem?: SchemaProblem };

/**
 * Checks a value against a JSON Schema with the shared Ajv instance; issues name the field and say why.
 *
 * @example
 * checkValue({ type: 'object', properties: { items: { type: 'array', items: { type: 'string' } } } }, { items: ['a', 2] });
 * // → { ok: false, issues: [{ segments: ['items', 1], keyword: 'type', message: 'must be text' }] }
 */
export function checkValue(schema: unknown, value: unknown, options: CheckOptions = {}): ValueCheck {
  const compiled = compileSchema(schema);
  if (!compiled.ok) {
    const message = `cannot be checked: its schema is not usable (${compiled.problem.path} ${compiled.problem.message})`;
    return { ok: false, problem: compiled.problem, issues: [{ segments: [], keyword: '$schema', message }] };
  }
  const copied = copyValue(value);
  if (!copied.ok) return { ok: false, issues: [copied.issue] };
  let valid: boolean;
  try {
    valid = compiled.validate(copied.value) === true;
  } catch {
    // A recursive `$ref` over a deep value may exhaust the stack: refused, never thrown at the caller.
    return { ok: false, issues: [{ segments: [], keyword: 'depth', message: 'is nested too deeply to check' }] };
  }
  if (valid) return { ok: true, value: copied.value, skipped: compiled.skipped };
  const issues = issuesOf(compiled.validate.errors ?? [], copied.value, options);
  return issues.length === 0 ? { ok: true, value: copied.value, skipped: compiled.skipped } : { ok: false, issues };
}

/**
 * A JSON copy of a value: own enumerable keys only (a `__proto__` key stays data), `undefined` fields left out,
 * nesting at most SCHEMA_LIMITS.maxValueDepth.
 */
export function copyValue(value: unknown): { ok: true; value: unknown } | { ok: false; issue: SchemaIssue } {
  let tooDeep: PathSegment[] | undefined;
  const copy = (item: unknown, path: PathSegment[]): unknown => {
    if (item === null || typeof item !== 'object' || tooDeep) return item;
    if (path.length >= SCHEMA_LIMITS.maxValueDepth) {
      tooDeep = path;
      return undefined;
    }
    if (Array.isArray(item)) return item.map((entry, index) => copy(entry, [...path, index]));
    const out: Record<string, unknown> = {};
    for (const [key, entry] of Object.entries(item)) {
      if (entry === undefined) continue;
      Object.defineProperty(out, key, {
        value: copy(entry, [...path, key]),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  };
  const copied = copy(value, []);
  if (tooDeep) {
    const message = `nests deeper than ${SCHEMA_LIMITS.maxValueDepth} levels`;
    return { ok: false, issue: { segments: tooDeep, keyword: 'depth', message } };
  }
  return { ok: true, value: copied };
}

/** Checked first when one field breaks several rules: the one message shown is the most telling. */
const PRIORITY = ['anyOf', 'oneOf', 'const', 'enum', 'type'];
/** Keywords that judge a value as a whole: a wildcard anywhere inside it may make it pass. */
const WHOLE_VALUE = new Set(['anyOf', 'oneOf', 'not', 'const', 'enum', 'contains', 'uniqueItems']);

function issuesOf(errors: ErrorObject[], data: unknown, options: CheckOptions): SchemaIssue[] {
  // Where a form (anyOf/oneOf) failed, only that is reported: its branches' errors say little to a user.
  const failedForms = errors
    .filter((error) => error.keyword === 'anyOf' || error.keyword === 'oneOf')
    .map((error) => error.instancePath);
  const byPath = new Map<string, { issue: SchemaIssue; rank: number }>();
  for (const error of errors) {
    if (error.keyword === 'if' || options.ignoreKeywords?.includes(error.keyword)) continue;
    const isForm = error.keyword === 'anyOf' || error.keyword === 'oneOf';
    const insideForm = failedForms.some(
      (path) => isWithin(error.instancePath, path) && !(isForm && error.instancePath === path),
    );
    if (insideForm) continue;
    const instance = typedSegments(data, pointerSegments(error.instancePath));
    const target = valueAt(data, instance);
    if (
      options.isWildcard &&
      (options.isWildcard(target) || (WHOLE_VALUE.has(error.keyword) && holds(target, options.isWildcard)))
    )
      continue;
    const params: Record<string, unknown> = error.params;
    const field = params.missingProperty ?? params.additionalProperty ?? params.unevaluatedProperty;
    const segments = typeof field === 'string' ? [...instance, field] : instance;
    const key = JSON.stringify(segments);
    const rank = PRIORITY.includes(error.keyword) ? PRIORITY.indexOf(error.keyword) : PRIORITY.length;
    const known = byPath.get(key);
    if (known && known.rank <= rank) continue;
    byPath.set(key, {
      issue: { segments, keyword: error.keyword, message: describeError(error, options.unknownProperty) },
      rank,
    });
  }
  return [...byPath.values()].map(({ issue }) => issue).slice(0, SCHEMA_LIMITS.maxIssues);
}

/** `path` is `base` or a pointer below it. */
const isWithin = (path: string, base: string): boolean => path === base || path.startsWith(`${base}/`);

/** Whether `value` holds (or is) a value `test` accepts; iterative, bounded by the copy's depth. */
function holds(value: unknown, test: (value: unknown) => boolean): boolean {
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const next = pending.pop();
    if (test(next)) return true;
    if (next !== null && typeof next === 'object') pending.push(...Object.values(next));
  }
  return false;
}
