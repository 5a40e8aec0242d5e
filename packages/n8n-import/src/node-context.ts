import { UntranslatableError } from './js-expression.ts';
import type { N8nNode } from './n8n-workflow.ts';
import type { ImportProblem } from './report.ts';
import { type ExpressionScope, translateJs } from './to-jsonata.ts';

/** What a node translator gets: its n8n node, and helpers that translate values and record problems. */
export interface NodeContext {
  node: N8nNode;
  /** Workflow-level time zone (n8n `settings.timezone`), when the export has one. */
  timezone: string | undefined;
  report(problem: string, field?: string): void;
  /** A parameter value as a Pipewright config value: literals kept, `={{ … }}` expressions turned into templates. */
  value(field: string, raw: unknown): unknown;
  /** A parameter value as one JSONata expression (for conditions); `undefined` when not translated (reported). */
  jsonata(field: string, raw: unknown): string | undefined;
}

const EXPRESSION = /\{\{([\s\S]*?)\}\}/g;

/** Text the Pipewright template engine would read as an expression, made inert. */
const inert = (text: string): string => text.replaceAll('{{', '{ {').replaceAll('}}', '} }');

export function createNodeContext(input: {
  node: N8nNode;
  scope: ExpressionScope;
  timezone: string | undefined;
  problems: ImportProblem[];
}): NodeContext {
  const { node, scope, problems } = input;
  const report = (problem: string, field?: string): void => {
    problems.push({ node: node.name, ...(field === undefined ? {} : { field }), problem });
  };

  /** Each `{{ … }}` of an n8n expression, translated; `undefined` (and reported) when one is not. */
  const translateParts = (field: string, body: string): (string | { expr: string })[] | undefined => {
    const parts: (string | { expr: string })[] = [];
    let cursor = 0;
    for (const match of body.matchAll(EXPRESSION)) {
      if (match.index > cursor) parts.push(body.slice(cursor, match.index));
      const source = (match[1] ?? '').trim();
      try {
        parts.push({ expr: translateJs(source, scope) });
      } catch (error) {
        if (!(error instanceof UntranslatableError)) throw error;
        report(`expression {{ ${source} }} not translated: ${error.message}; the field holds the n8n text`, field);
        return undefined;
      }
      cursor = match.index + match[0].length;
    }
    if (cursor < body.length) parts.push(body.slice(cursor));
    return parts;
  };

  const value = (field: string, raw: unknown): unknown => {
    if (typeof raw !== 'string') return raw;
    if (!raw.startsWith('=')) {
      if (raw.includes('{{'))
        report('the text contains "{{", which Pipewright reads as an expression; it was made inert', field);
      return inert(raw);
    }
    const body = raw.slice(1);
    const parts = translateParts(field, body);
    if (!parts) return `n8n: ${inert(body)}`;
    return parts.map((part) => (typeof part === 'string' ? inert(part) : `{{ ${part.expr} }}`)).join('');
  };

  const jsonata = (field: string, raw: unknown): string | undefined => {
    if (typeof raw !== 'string' || !raw.startsWith('=')) return JSON.stringify(raw ?? null);
    const parts = translateParts(field, raw.slice(1));
    if (!parts) return undefined;
    const [only] = parts;
    if (parts.length === 1 && only !== undefined && typeof only !== 'string') return only.expr;
    if (parts.length === 0) return '""';
    return parts.map((part) => (typeof part === 'string' ? JSON.stringify(part) : `$string(${part.expr})`)).join(' & ');
  };

  return { node, timezone: input.timezone, report, value, jsonata };
}
