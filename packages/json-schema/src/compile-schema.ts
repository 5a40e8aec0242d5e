import type { ValidateFunction } from 'ajv';
import type { Ajv2020 } from 'ajv/dist/2020.js';
import { createSchemaAjv } from './create-ajv.ts';
import { SCHEMA_LIMITS } from './limits.ts';
import { pointerSegments } from './paths.ts';
import { prepareSchema, problemAt, type SchemaProblem } from './schema-guard.ts';

/** A compiled schema, or why it cannot be compiled. `skipped`: checks left to the step's own schema (schema paths). */
export type CompiledSchema =
  | { ok: true; validate: ValidateFunction; skipped: string[] }
  | { ok: false; problem: SchemaProblem };

/** Longest message kept from Ajv when it refuses a schema. */
const MAX_MESSAGE_CHARS = 200;

/** Created on first use: importing this package costs nothing (the web bundle imports it through its callers). */
let shared: Ajv2020 | undefined;
let compiles = 0;

/** The shared instance (every error reported), replaced after SCHEMA_LIMITS.compilesPerInstance compiles. */
function sharedAjv(): Ajv2020 {
  compiles += 1;
  if (shared === undefined || compiles > SCHEMA_LIMITS.compilesPerInstance) {
    shared = createSchemaAjv();
    compiles = 1;
  }
  return shared;
}

/** By schema object: a manifest kept in memory compiles once. */
const byObject = new WeakMap<object, CompiledSchema>();
/** By schema text: a manifest read again (a fresh object per request) still compiles once. Oldest out first. */
const byText = new Map<string, CompiledSchema>();

/**
 * Checks a schema as hostile input (prepareSchema), then compiles it with the shared Ajv instance; results are
 * cached by schema object and by schema text.
 *
 * @example
 * const compiled = compileSchema({ type: 'object', properties: { url: { type: 'string', format: 'uri' } } });
 * if (compiled.ok) compiled.validate({ url: 'nope' }); // → false, compiled.validate.errors names /url
 */
export function compileSchema(schema: unknown): CompiledSchema {
  const isObject = typeof schema === 'object' && schema !== null;
  const known = isObject ? byObject.get(schema) : undefined;
  if (known) return known;
  const prepared = prepareSchema(schema);
  if (!prepared.ok) return remember(schema, undefined, { ok: false, problem: prepared.problem });
  const cached = byText.get(prepared.text);
  if (cached) return remember(schema, undefined, cached);
  const ajv = sharedAjv();
  let result: CompiledSchema;
  if (ajv.validateSchema(prepared.schema) !== true) {
    const [first] = ajv.errors ?? [];
    const segments = pointerSegments(first?.instancePath ?? '').map((segment) =>
      /^\d+$/.test(segment) ? Number(segment) : segment,
    );
    result = {
      ok: false,
      problem: problemAt(segments, (first?.message ?? 'is not valid').slice(0, MAX_MESSAGE_CHARS)),
    };
  } else {
    try {
      result = { ok: true, validate: ajv.compile(prepared.schema), skipped: prepared.skipped };
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      result = { ok: false, problem: problemAt([], reason.replace(/^strict mode: /, '').slice(0, MAX_MESSAGE_CHARS)) };
    } finally {
      // Ajv keeps every compiled schema in a cache keyed by the schema object; ours are keyed above.
      ajv.removeSchema(prepared.schema);
    }
  }
  return remember(schema, prepared.text, result);
}

function remember(schema: unknown, text: string | undefined, result: CompiledSchema): CompiledSchema {
  if (typeof schema === 'object' && schema !== null) byObject.set(schema, result);
  if (text !== undefined) {
    byText.set(text, result);
    if (byText.size > SCHEMA_LIMITS.cachedSchemas) {
      const oldest = byText.keys().next().value;
      if (oldest !== undefined) byText.delete(oldest);
    }
  }
  return result;
}
