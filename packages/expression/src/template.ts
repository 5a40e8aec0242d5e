import jsonata from 'jsonata';

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
    try {
      jsonata(part.source);
    } catch (error) {
      errors.push({ message: errorMessage(error), position: part.offset + (positionOf(error) ?? 0) });
    }
  }
  return errors;
}

const compiled = new Map<string, ReturnType<typeof jsonata>>();
function compile(source: string) {
  let expression = compiled.get(source);
  if (!expression) {
    expression = jsonata(source);
    if (compiled.size > 5000) compiled.clear();
    compiled.set(source, expression);
  }
  return expression;
}

/**
 * Evaluates a template.  A template that is exactly one `{{ expr }}` yields the expression's raw value (object,
 * number…); otherwise the parts are joined into a string (objects as JSON).
 */
export async function evaluateTemplate(template: string, context: Record<string, unknown>): Promise<unknown> {
  const parts = splitTemplate(template);
  const only = parts.length === 1 ? parts[0] : undefined;
  if (only?.kind === 'expr') return evaluateExpression(only.source, context);
  let result = '';
  for (const part of parts) {
    if (part.kind === 'text') result += part.text;
    else result += stringify(await evaluateExpression(part.source, context));
  }
  return result;
}

export async function evaluateExpression(source: string, context: Record<string, unknown>): Promise<unknown> {
  const value: unknown = await compile(source).evaluate(context);
  return normalize(value);
}

/** Evaluates every template string inside a JSON-like value, leaving other values as they are. */
export async function evaluateDeep(value: unknown, context: Record<string, unknown>): Promise<unknown> {
  if (typeof value === 'string') return isTemplate(value) ? evaluateTemplate(value, context) : value;
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const item of value) out.push(await evaluateDeep(item, context));
    return out;
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = await evaluateDeep(item, context);
    return out;
  }
  return value;
}

/** JSONata returns arrays tagged with a `sequence` flag and `undefined` for no match; make it plain JSON. */
function normalize(value: unknown): unknown {
  if (value === undefined) return null;
  if (typeof value === 'function') return null;
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
