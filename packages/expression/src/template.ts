import jsonata from 'jsonata';
import {
  DEFAULT_EXPRESSION_LIMITS,
  EvaluationMeter,
  type ExpressionLimits,
  instrument,
  METER_BINDING,
} from './limits.ts';
import { regexProblem } from './linear-regexp.ts';

/** The JSONata version the plan pins: evaluation semantics must not drift under runs in flight. */
export const EXPRESSION_ENGINE = 'jsonata@2.2.2';

export type TemplatePart = { kind: 'text'; text: string } | { kind: 'expr'; source: string; offset: number };

export interface ExpressionSyntaxError {
  message: string;
  /** Offset of the error inside the whole template string. */
  position: number;
}

const OPEN = '{{';
const CLOSE = '}}';

export const isTemplate = (value: string): boolean => value.includes(OPEN);

/** Splits `"Hello {{ trigger.body.name }}!"` into text and expression parts.  Throws on an unclosed `{{`. */
export function splitTemplate(template: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let cursor = 0;
  while (cursor < template.length) {
    const open = template.indexOf(OPEN, cursor);
    if (open === -1) {
      parts.push({ kind: 'text', text: template.slice(cursor) });
      break;
    }
    if (open > cursor) parts.push({ kind: 'text', text: template.slice(cursor, open) });
    const close = template.indexOf(CLOSE, open + OPEN.length);
    if (close === -1) throw Object.assign(new Error('"{{" is never closed by "}}"'), { position: open });
    parts.push({ kind: 'expr', source: template.slice(open + OPEN.length, close), offset: open + OPEN.length });
    cursor = close + CLOSE.length;
  }
  return parts;
}

/** Returns the syntax errors of every `{{ … }}` part (empty when the template is valid). */
export function checkTemplate(template: string): ExpressionSyntaxError[] {
  let parts: TemplatePart[];
  try {
    parts = splitTemplate(template);
  } catch (error) {
    return [{ message: errorMessage(error), position: positionOf(error) ?? 0 }];
  }
  const errors: ExpressionSyntaxError[] = [];
  for (const part of parts) {
    if (part.kind !== 'expr') continue;
    if (part.source.trim() === '') {
      errors.push({ message: 'empty expression', position: part.offset });
      continue;
    }
    let ast: jsonata.ExprNode;
    try {
      ast = jsonata(part.source).ast();
    } catch (error) {
      errors.push({ message: errorMessage(error), position: part.offset + (positionOf(error) ?? 0) });
      continue;
    }
    for (const problem of regexProblems(ast)) {
      errors.push({ message: problem.message, position: part.offset + problem.position });
    }
  }
  return errors;
}

/** Regex literals the linear-time engine refuses (backreferences, lookaround), anywhere in an expression. */
function regexProblems(node: unknown): { message: string; position: number }[] {
  const found: { message: string; position: number }[] = [];
  const visit = (value: unknown, depth: number) => {
    if (depth > 200 || typeof value !== 'object' || value === null) return;
    if (value instanceof RegExp) return;
    if (Array.isArray(value)) {
      for (const item of value) visit(item, depth + 1);
      return;
    }
    if ('type' in value && value.type === 'regex' && 'value' in value && value.value instanceof RegExp) {
      const problem = regexProblem(value.value.source, value.value.flags);
      const position = 'position' in value && typeof value.position === 'number' ? value.position : 0;
      if (problem) found.push({ message: problem, position });
    }
    for (const item of Object.values(value)) visit(item, depth + 1);
  };
  visit(node, 0);
  return found;
}

const compiled = new Map<string, ReturnType<typeof jsonata>>();
function compile(source: string) {
  let expression = compiled.get(source);
  if (!expression) {
    expression = jsonata(source);
    instrument(expression);
    if (compiled.size > 5000) compiled.clear();
    compiled.set(source, expression);
  }
  return expression;
}

/**
 * Evaluates a template.  A template that is exactly one `{{ expr }}` yields the expression's raw value (object,
 * number…); otherwise the parts are joined into a string (objects as JSON).  Each expression is evaluated within
 * `limits` (default `DEFAULT_EXPRESSION_LIMITS`) and fails with an `ExpressionLimitError` past them.
 */
export async function evaluateTemplate(
  template: string,
  context: Record<string, unknown>,
  limits: ExpressionLimits = DEFAULT_EXPRESSION_LIMITS,
): Promise<unknown> {
  const parts = splitTemplate(template);
  const only = parts.length === 1 ? parts[0] : undefined;
  if (only?.kind === 'expr') return evaluateExpression(only.source, context, limits);
  let result = '';
  for (const part of parts) {
    if (part.kind === 'text') result += part.text;
    else result += stringify(await evaluateExpression(part.source, context, limits));
  }
  return result;
}

/**
 * Evaluates one JSONata expression: regular expressions run on the linear-time engine, and the evaluation stops
 * with an `ExpressionLimitError` past `limits.maxSteps` steps or `limits.maxCallDepth` nested calls.
 *
 * @example
 * await evaluateExpression('$uppercase(name)', { name: 'ada' }); // 'ADA'
 * await evaluateExpression('($f := function($n) { $f($n + 1) }; $f(0))', {}); // throws: exceeded its time limit
 */
export async function evaluateExpression(
  source: string,
  context: Record<string, unknown>,
  limits: ExpressionLimits = DEFAULT_EXPRESSION_LIMITS,
): Promise<unknown> {
  const meter = new EvaluationMeter(limits);
  const value: unknown = await compile(source).evaluate(context, { [METER_BINDING]: meter });
  return normalize(value);
}

/** Evaluates every template string inside a JSON-like value, leaving other values as they are. */
export async function evaluateDeep(
  value: unknown,
  context: Record<string, unknown>,
  limits: ExpressionLimits = DEFAULT_EXPRESSION_LIMITS,
): Promise<unknown> {
  if (typeof value === 'string') return isTemplate(value) ? evaluateTemplate(value, context, limits) : value;
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const item of value) out.push(await evaluateDeep(item, context, limits));
    return out;
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      // An own data property whatever the key, as JSON.parse makes it: `out[key] =` with `__proto__` would replace
      // the result's prototype instead.
      Object.defineProperty(out, key, {
        value: await evaluateDeep(item, context, limits),
        writable: true,
        enumerable: true,
        configurable: true,
      });
    }
    return out;
  }
  return value;
}

/**
 * JSONata returns arrays tagged with a `sequence` flag, `undefined` for no match, and functions (`$now` without its
 * parentheses, `function($x) { … }`) as objects that hold their whole environment; make it plain JSON.
 */
function normalize(value: unknown): unknown {
  if (value === undefined) return null;
  if (isFunction(value)) return null;
  if (Array.isArray(value)) return value.map(normalize);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      if (item !== undefined) out[key] = normalize(item);
    }
    return out;
  }
  return value;
}

/** JSONata's own test for a function value: a built-in, a lambda, or a JavaScript function. */
function isFunction(value: unknown): boolean {
  if (typeof value === 'function') return true;
  if (value === null || typeof value !== 'object') return false;
  return (
    ('_jsonata_function' in value && value._jsonata_function === true) ||
    ('_jsonata_lambda' in value && value._jsonata_lambda === true)
  );
}

function stringify(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

function errorMessage(error: unknown): string {
  if (error && typeof error === 'object' && 'message' in error && typeof error.message === 'string')
    return error.message;
  return String(error);
}

function positionOf(error: unknown): number | undefined {
  if (error && typeof error === 'object' && 'position' in error && typeof error.position === 'number')
    return error.position;
  return undefined;
}
