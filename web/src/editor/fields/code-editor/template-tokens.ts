/**
 * Finds the `{{ … }}` regions of a template and the JSONata tokens inside them, for highlighting.  Mirrors
 * `splitTemplate` of @pipewright/expression: a region runs from `{{` to the next `}}` (or to the end when never
 * closed), so what is highlighted is what the runtime evaluates.
 */

export interface ExpressionRegion {
  /** Offset of `{{`. */
  from: number;
  /** Offset after `}}`, or the text's end when the region is never closed. */
  to: number;
  closed: boolean;
}

export type TemplateTokenKind =
  | 'brace'
  | 'path'
  | 'variable'
  | 'function'
  | 'keyword'
  | 'string'
  | 'number'
  | 'operator';

export interface TemplateToken {
  from: number;
  to: number;
  kind: TemplateTokenKind;
}

const OPEN = '{{';
const CLOSE = '}}';

export function expressionRegions(text: string): ExpressionRegion[] {
  const regions: ExpressionRegion[] = [];
  let cursor = 0;
  while (cursor < text.length) {
    const open = text.indexOf(OPEN, cursor);
    if (open === -1) break;
    const close = text.indexOf(CLOSE, open + OPEN.length);
    if (close === -1) {
      regions.push({ from: open, to: text.length, closed: false });
      break;
    }
    regions.push({ from: open, to: close + CLOSE.length, closed: true });
    cursor = close + CLOSE.length;
  }
  return regions;
}

const KEYWORDS = new Set(['and', 'or', 'in', 'true', 'false', 'null', 'function']);

/** One JSONata lexeme at `source[at]`: its kind (null for white space and brackets) and where it ends. */
function lexeme(source: string, at: number): { kind: TemplateTokenKind | null; end: number } {
  const char = source.charAt(at);
  if (char === '"' || char === "'") {
    let end = at + 1;
    while (end < source.length && source.charAt(end) !== char) end += source.charAt(end) === '\\' ? 2 : 1;
    return { kind: 'string', end: Math.min(end + 1, source.length) };
  }
  if (char === '`') {
    const close = source.indexOf('`', at + 1);
    return { kind: 'path', end: close === -1 ? source.length : close + 1 };
  }
  const number = /^\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(source.slice(at));
  if (number) return { kind: 'number', end: at + number[0].length };
  const name = /^\$?[A-Za-z_][A-Za-z0-9_]*|^\$\$?/.exec(source.slice(at));
  if (name) {
    const end = at + name[0].length;
    if (name[0].startsWith('$')) return { kind: /^\s*\(/.test(source.slice(end)) ? 'function' : 'variable', end };
    return { kind: KEYWORDS.has(name[0]) ? 'keyword' : 'path', end };
  }
  if (/[-+*/%&|=<>!?:~^]/.test(char)) return { kind: 'operator', end: at + 1 };
  return { kind: null, end: at + 1 };
}

/** The highlightable tokens of every `{{ … }}` region, in text order; text outside expressions has none. */
export function tokenizeTemplate(text: string): TemplateToken[] {
  const tokens: TemplateToken[] = [];
  for (const region of expressionRegions(text)) {
    const innerEnd = region.closed ? region.to - CLOSE.length : region.to;
    tokens.push({ from: region.from, to: region.from + OPEN.length, kind: 'brace' });
    const inner = text.slice(0, innerEnd);
    let at = region.from + OPEN.length;
    while (at < innerEnd) {
      const { kind, end } = lexeme(inner, at);
      if (kind) tokens.push({ from: at, to: end, kind });
      at = end;
    }
    if (region.closed) tokens.push({ from: innerEnd, to: region.to, kind: 'brace' });
  }
  return tokens;
}
