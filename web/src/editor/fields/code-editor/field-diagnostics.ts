import { checkTemplate } from '@pipewright/expression';

/**
 * What a field's editor underlines: the compiler's problems for the field (they carry a node and a field path but no
 * offset, so they cover the whole text) and, while the check reports the field, the JSONata syntax errors of its
 * `{{ … }}` parts at their exact offset.  The syntax marks follow the check's cadence (it runs a moment after the
 * last edit, and an edit clears the field's problems) rather than every keystroke, so half-typed text is not red.
 */

export interface FieldDiagnostic {
  from: number;
  to: number;
  severity: 'error';
  message: string;
  source: 'check' | 'expression';
  /** A syntax error's own class, so its character stands out of the whole-field mark around it. */
  markClass?: string;
}

export interface FieldProblem {
  field?: string;
  message: string;
}

/**
 * The messages of `problems` about field `name` or anything inside it (`headers.x`, `cases.0.condition`).  The
 * compiler names a field by its path in the node (`url` for a missing input, `config.url` for an expression in it).
 */
export function messagesForField(problems: readonly FieldProblem[], name: string): string[] {
  return problems
    .filter((problem) => {
      const field = problem.field?.replace(/^config\./, '');
      return field === name || field?.startsWith(`${name}.`);
    })
    .map((problem) => problem.message);
}

const SYNTAX_MARK = 'cm-expression-syntax-error';

export function fieldDiagnostics(input: {
  text: string;
  messages: readonly string[];
  /** Whether `{{ … }}` is evaluated in this field (false for a code field). */
  checkExpressions: boolean;
}): FieldDiagnostic[] {
  const { text, messages, checkExpressions } = input;
  const whole = messages.map(
    (message): FieldDiagnostic => ({ from: 0, to: text.length, severity: 'error', message, source: 'check' }),
  );
  if (!checkExpressions || messages.length === 0 || !text.includes('{{')) return whole;
  const syntax = checkTemplate(text).map((error): FieldDiagnostic => {
    const { from, to } = syntaxErrorRange(text, error.position);
    return { from, to, severity: 'error', message: error.message, source: 'expression', markClass: SYNTAX_MARK };
  });
  return [...whole, ...syntax];
}

/**
 * JSONata reports the offset just after the token it choked on (white space skipped back over, so `a + }}` marks the
 * `+`); an unclosed `{{` is reported at the `{{` itself.
 */
function syntaxErrorRange(text: string, position: number): { from: number; to: number } {
  const at = Math.max(0, Math.min(position, text.length));
  if (text.startsWith('{{', at)) return { from: at, to: at + 2 };
  let from = Math.max(0, at - 1);
  while (from > 0 && /\s/.test(text.charAt(from))) from -= 1;
  return { from, to: Math.min(from + 1, text.length) };
}
