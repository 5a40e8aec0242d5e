/**
 * A parser for the small subset of JavaScript that n8n expressions (`{{ … }}`) are usually written in: data
 * references, literals, arithmetic, comparisons, logic, the ternary, member access and calls.  Anything else is a
 * syntax the import does not translate; the parser throws `UntranslatableError` naming it.
 */

export class UntranslatableError extends Error {}

/**
 * Imported text is hostile: a longer expression, or one nested deeper, is reported untranslated instead of parsed
 * (the parser and the translator recurse per level of nesting).
 */
export const MAX_EXPRESSION_CHARS = 4_000;
export const MAX_EXPRESSION_NESTING = 64;

export type JsNode =
  | { t: 'lit'; value: string | number | boolean | null }
  | { t: 'id'; name: string }
  | { t: 'member'; object: JsNode; property: JsNode; computed: boolean }
  | { t: 'call'; callee: JsNode; args: JsNode[] }
  | { t: 'array'; items: JsNode[] }
  | { t: 'binary'; op: string; left: JsNode; right: JsNode }
  | { t: 'unary'; op: string; operand: JsNode }
  | { t: 'conditional'; test: JsNode; then: JsNode; otherwise: JsNode };

type Token = { kind: 'num'; value: number } | { kind: 'str'; value: string } | { kind: 'id' | 'op'; value: string };

const OPERATORS = [
  '===',
  '!==',
  '==',
  '!=',
  '<=',
  '>=',
  '&&',
  '||',
  '??',
  '?.',
  '=>',
  '<',
  '>',
  '+',
  '-',
  '*',
  '/',
  '%',
  '!',
  '?',
  ':',
  '.',
  ',',
  '(',
  ')',
  '[',
  ']',
];

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  while (at < source.length) {
    const char = source.charAt(at);
    if (/\s/.test(char)) {
      at += 1;
      continue;
    }
    const number = /^\d+(\.\d+)?/.exec(source.slice(at));
    if (number) {
      tokens.push({ kind: 'num', value: Number(number[0]) });
      at += number[0].length;
      continue;
    }
    const identifier = /^[A-Za-z_$][A-Za-z0-9_$]*/.exec(source.slice(at));
    if (identifier) {
      tokens.push({ kind: 'id', value: identifier[0] });
      at += identifier[0].length;
      continue;
    }
    if (char === "'" || char === '"') {
      const { value, end } = readString(source, at);
      tokens.push({ kind: 'str', value });
      at = end;
      continue;
    }
    if (char === '`') throw new UntranslatableError('template literals (`…`) are not translated');
    const operator = OPERATORS.find((candidate) => source.startsWith(candidate, at));
    if (!operator) throw new UntranslatableError(`"${char}" is not translated`);
    if (operator === '=>') throw new UntranslatableError('arrow functions are not translated');
    if (operator === '?.') throw new UntranslatableError('optional chaining (?.) is not translated');
    tokens.push({ kind: 'op', value: operator });
    at += operator.length;
  }
  return tokens;
}

function readString(source: string, start: number): { value: string; end: number } {
  const quote = source.charAt(start);
  let value = '';
  let at = start + 1;
  while (at < source.length) {
    const char = source.charAt(at);
    if (char === quote) return { value, end: at + 1 };
    if (char === '\\') {
      const next = source.charAt(at + 1);
      const escapes: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"' };
      const escaped = escapes[next];
      if (escaped === undefined) throw new UntranslatableError(`the string escape \\${next} is not translated`);
      value += escaped;
      at += 2;
      continue;
    }
    value += char;
    at += 1;
  }
  throw new UntranslatableError('a string is never closed');
}

/** Parses one JavaScript expression; throws `UntranslatableError` for syntax outside the subset. */
export function parseJsExpression(source: string): JsNode {
  if (source.length > MAX_EXPRESSION_CHARS) {
    throw new UntranslatableError(`expressions longer than ${MAX_EXPRESSION_CHARS} characters are not translated`);
  }
  const tokens = tokenize(source);
  let at = 0;
  let depth = 0;
  /** Runs `parse` one level of nesting deeper (brackets, calls, unary operators, the ternary's branches). */
  const nested = <T>(parse: () => T): T => {
    if (++depth > MAX_EXPRESSION_NESTING) {
      throw new UntranslatableError(
        `expressions nested deeper than ${MAX_EXPRESSION_NESTING} levels are not translated`,
      );
    }
    try {
      return parse();
    } finally {
      depth -= 1;
    }
  };
  const peek = (): Token | undefined => tokens[at];
  const isOp = (value: string): boolean => {
    const token = peek();
    return token?.kind === 'op' && token.value === value;
  };
  const expect = (value: string): void => {
    if (!isOp(value)) throw new UntranslatableError(`expected "${value}"`);
    at += 1;
  };

  const binaryLevel =
    (ops: string[], next: () => JsNode): (() => JsNode) =>
    () => {
      let left = next();
      for (;;) {
        const token = peek();
        if (token?.kind !== 'op' || !ops.includes(token.value)) return left;
        at += 1;
        left = { t: 'binary', op: token.value, left, right: next() };
      }
    };

  const primary = (): JsNode => {
    const token = peek();
    if (!token) throw new UntranslatableError('the expression ends too early');
    at += 1;
    if (token.kind === 'num' || token.kind === 'str') return { t: 'lit', value: token.value };
    if (token.kind === 'id') {
      if (token.value === 'true' || token.value === 'false') return { t: 'lit', value: token.value === 'true' };
      if (token.value === 'null') return { t: 'lit', value: null };
      if (['new', 'function', 'typeof', 'await', 'this', 'undefined', 'instanceof', 'in'].includes(token.value)) {
        throw new UntranslatableError(`"${token.value}" is not translated`);
      }
      return { t: 'id', name: token.value };
    }
    if (token.value === '(') {
      const inner = nested(expression);
      expect(')');
      return inner;
    }
    if (token.value === '[') {
      const items: JsNode[] = [];
      while (!isOp(']')) {
        items.push(nested(expression));
        if (!isOp(']')) expect(',');
      }
      expect(']');
      return { t: 'array', items };
    }
    throw new UntranslatableError(`"${token.value}" is not translated here`);
  };

  const postfix = (): JsNode => {
    let node = primary();
    for (;;) {
      if (isOp('.')) {
        at += 1;
        const name = peek();
        if (name?.kind !== 'id') throw new UntranslatableError('expected a property name after "."');
        at += 1;
        node = { t: 'member', object: node, property: { t: 'lit', value: name.value }, computed: false };
      } else if (isOp('[')) {
        at += 1;
        const property = nested(expression);
        expect(']');
        node = { t: 'member', object: node, property, computed: true };
      } else if (isOp('(')) {
        at += 1;
        const args: JsNode[] = [];
        while (!isOp(')')) {
          args.push(nested(expression));
          if (!isOp(')')) expect(',');
        }
        expect(')');
        node = { t: 'call', callee: node, args };
      } else {
        return node;
      }
    }
  };

  const unary = (): JsNode => {
    if (isOp('!') || isOp('-') || isOp('+')) {
      const op = String(peek()?.value ?? '');
      at += 1;
      return { t: 'unary', op, operand: nested(unary) };
    }
    return postfix();
  };

  const multiplicative = binaryLevel(['*', '/', '%'], unary);
  const additive = binaryLevel(['+', '-'], multiplicative);
  const relational = binaryLevel(['<', '>', '<=', '>='], additive);
  const equality = binaryLevel(['===', '!==', '==', '!='], relational);
  const and = binaryLevel(['&&'], equality);
  const or = binaryLevel(['||', '??'], and);
  function expression(): JsNode {
    const test = or();
    if (!isOp('?')) return test;
    at += 1;
    const then = nested(expression);
    expect(':');
    return { t: 'conditional', test, then, otherwise: nested(expression) };
  }

  const result = expression();
  const rest = peek();
  if (rest) throw new UntranslatableError(`"${rest.value}" after the expression is not translated`);
  return result;
}
