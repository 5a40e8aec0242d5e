/**
 * Judging one answer.  Every request must be answered, never with a 5xx; a request over its body size limit must be
 * answered 413; input that is not valid must not be accepted; and every 4xx must be `{ error: { code, message } }`
 * naming what was wrong (field paths, located compile errors, a field-prefixed message, the body, a header, the URL,
 * the revision, a quoted name, or the run input's size) so that a user learns what to change.
 */
import type { Answer, Prepared } from './sending.ts';

interface ErrorBody {
  code: string;
  message: string;
  issues?: unknown;
  compileErrors?: unknown;
}

function errorOf(text: string): ErrorBody | undefined {
  try {
    const error = (JSON.parse(text) as { error?: Partial<ErrorBody> } | null)?.error;
    if (typeof error?.code !== 'string' || typeof error.message !== 'string') return undefined;
    return { ...error, code: error.code, message: error.message };
  } catch {
    return undefined;
  }
}

const isText = (value: unknown): value is string => typeof value === 'string' && value !== '';

/** Compile errors about the flow as a whole: the flow is what they name (compiler compile.ts). */
const FLOW_WIDE_ERRORS = new Set(['no_trigger']);

/** Every compile error is located: on a node, an edge or a field, or on the whole flow. */
function located(errors: unknown): boolean {
  if (!Array.isArray(errors) || errors.length === 0) return false;
  return errors.every(
    (error: { code?: unknown; nodeId?: unknown; edgeId?: unknown; field?: unknown } | null) =>
      [error?.nodeId, error?.edgeId, error?.field].some(isText) || FLOW_WIDE_ERRORS.has(String(error?.code)),
  );
}

/** Field-level issues, each with its dotted path (`document.nodes.2.id`, or `body` for the body itself). */
function withPaths(issues: unknown): boolean {
  if (!Array.isArray(issues) || issues.length === 0) return false;
  return issues.every((issue: { path?: unknown } | null) => isText(issue?.path));
}

/** "document.nodes.0.id: …", "values.token: …", "type: …" — the errors.ts convention for one bad field. */
const FIELD_PREFIX = /^[\w$-]+(\.[\w$-]+)*: /;
/** What else a message can be about: the body, a header, the URL, the draft revision, or a thing it quotes. */
const NAMED_PART = /request body|json|content[- ]type|content-encoding|url path|revision|"[^"]+"/i;

/**
 * What a 4xx answer says was wrong, or undefined: a user must learn which field, node, header or resource to change.
 * "Request body is not valid JSON: …" counts (the body is the field), "Flow "x" was not found" too (the id it quotes).
 * A 409 is about what is stored (a stale revision, the workspace's last admin), not a field: its code and message are.
 * A 413 `run_input_too_large` names the run's input (trigger data and plan) and its size against the limit.
 */
function whatIsNamed(status: number, error: ErrorBody): string | undefined {
  if (withPaths(error.issues)) return 'issues';
  if (located(error.compileErrors)) return 'compile errors';
  if (FIELD_PREFIX.test(error.message)) return 'field';
  if (status === 409) return error.code;
  if (status === 413 && error.code === 'run_input_too_large') return 'the run input size';
  return NAMED_PART.exec(error.message)?.[0];
}

export type Breach =
  | 'a 5xx'
  | 'no answer'
  | 'a 4xx not shaped { error: { code, message } }'
  | 'a 4xx that names no field'
  | 'hostile input accepted'
  | 'over the size limit, not 413';

export function judge(request: Prepared, answer: Answer): Breach | undefined {
  if (answer.status === 0) return 'no answer';
  if (answer.status >= 500) return 'a 5xx';
  if (request.oversize && answer.status !== 413) return 'over the size limit, not 413';
  if (answer.status < 400) return request.refuse ? 'hostile input accepted' : undefined;
  const error = errorOf(answer.text);
  if (!error) return 'a 4xx not shaped { error: { code, message } }';
  return whatIsNamed(answer.status, error) === undefined ? 'a 4xx that names no field' : undefined;
}
