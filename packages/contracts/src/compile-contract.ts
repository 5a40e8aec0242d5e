import { formatPath, pointerSegments, typedSegments } from '@pipewright/json-schema/paths';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { CONTRACT_LIMITS } from './limits.ts';
import { type ContractProblem, hostileSchemaProblem, problemAt } from './schema-checks.ts';
import { contractAjv } from './shared-ajv.ts';

/** One way a body breaks its contract: `body.order.id` and `must be string`. */
export interface ContractViolation {
  path: string;
  message: string;
}

export type ContractVerdict = { valid: true } | { valid: false; violations: ContractViolation[] };

/** A compiled contract: call `check` per delivery; compile once per schema (per published flow version). */
export interface CompiledContract {
  check(body: unknown): ContractVerdict;
}

export type CompileContractResult = { ok: true; contract: CompiledContract } | { ok: false; problem: ContractProblem };

/** Longest message kept from Ajv (a `pattern` failure quotes the pattern). */
const MAX_MESSAGE_CHARS = 200;

/**
 * Checks a contract's JSON Schema as hostile input (hostileSchemaProblem), then compiles it with the shared Ajv.
 *
 * @example
 * const compiled = compileContract({ type: 'object', properties: { order: { type: 'object', properties: { id: { type: 'string' } } } } });
 * if (compiled.ok) compiled.contract.check({ order: { id: 7 } });
 * // → { valid: false, violations: [{ path: 'body.order.id', message: 'must be string' }] }
 */
export function compileContract(schema: unknown): CompileContractResult {
  const hostile = hostileSchemaProblem(schema);
  if (hostile) return { ok: false, problem: hostile };
  // Within the size limit now, so the text is a cheap key: a publish check and the first delivery compile once.
  const key = JSON.stringify(schema);
  const known = recent.get(key);
  if (known) return known;
  const result = compileChecked(schema);
  recent.set(key, result);
  if (recent.size > RECENT_COMPILES) {
    const oldest = recent.keys().next().value;
    if (oldest !== undefined) recent.delete(oldest);
  }
  return result;
}

/** Results of the latest compiles by schema text (a compiled contract is stateless, so it can be shared). */
const recent = new Map<string, CompileContractResult>();
const RECENT_COMPILES = 64;

function compileChecked(schema: unknown): CompileContractResult {
  if (!isPlainObject(schema)) return { ok: false, problem: problemAt([], 'must be a JSON object (a JSON Schema)') };
  const ajv = contractAjv();
  if (ajv.validateSchema(schema) !== true) {
    const [first] = ajv.errors ?? [];
    return { ok: false, problem: metaSchemaProblem(first) };
  }
  let validate: ValidateFunction;
  try {
    validate = ajv.compile(schema);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, problem: problemAt([], reason.replace(/^strict mode: /, '').slice(0, MAX_MESSAGE_CHARS)) };
  } finally {
    // Ajv keeps every compiled schema in a cache keyed by the schema object; the caller keeps what it needs.
    ajv.removeSchema(schema);
  }
  return {
    ok: true,
    contract: {
      check(body) {
        if (validate(body) === true) return { valid: true };
        const errors = (validate.errors ?? []).slice(0, CONTRACT_LIMITS.maxViolations);
        const violations = errors.map((error) => toViolation(error, body));
        return {
          valid: false,
          violations: violations.length > 0 ? violations : [{ path: 'body', message: 'is not valid' }],
        };
      },
    },
  };
}

/** The schema's problem alone (for a publish check or the inspector), or undefined when it compiles. */
export function checkContractSchema(schema: unknown): ContractProblem | undefined {
  const compiled = compileContract(schema);
  return compiled.ok ? undefined : compiled.problem;
}

function metaSchemaProblem(error: ErrorObject | undefined): ContractProblem {
  if (error === undefined) return problemAt([], 'is not a valid JSON Schema');
  const segments = pointerSegments(error.instancePath);
  return problemAt(
    segments.map((segment) => (/^\d+$/.test(segment) ? Number(segment) : segment)),
    (error.message ?? 'is not valid').slice(0, MAX_MESSAGE_CHARS),
  );
}

function toViolation(error: ErrorObject, body: unknown): ContractViolation {
  const segments = typedSegments(body, pointerSegments(error.instancePath));
  const params: Record<string, unknown> = error.params;
  let message = error.message ?? `fails "${error.keyword}"`;
  const missing = error.keyword === 'required' ? params.missingProperty : undefined;
  const extra = params.additionalProperty ?? params.unevaluatedProperty;
  if (typeof missing === 'string') {
    segments.push(missing);
    message = 'is required';
  } else if (typeof extra === 'string') {
    segments.push(extra);
    message = 'is not an allowed property';
  }
  return { path: formatPath('body', segments), message: message.slice(0, MAX_MESSAGE_CHARS) };
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
