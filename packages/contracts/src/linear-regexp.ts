import type { RegExpEngine } from 'ajv/dist/types/index.js';
import { RE2JS } from 're2js';
import { CONTRACT_LIMITS } from './limits.ts';

/**
 * Ajv's `code.regExp`: every `pattern` and `patternProperties` of a contract runs on RE2 (re2js, a pure-JS port),
 * which matches in time linear in the input, so a pattern such as `^(a+)+$` cannot hold the server's event loop —
 * and every workspace's deliveries with it — for seconds on a crafted body. RE2 has no backreferences or
 * lookaround; such a pattern fails to compile, which the schema checks report at publish naming its field.
 *
 * Ajv passes `"u"` as the flags: RE2 is Unicode-aware by default, so there is nothing to translate.
 */
export const linearRegExp: RegExpEngine = Object.assign(
  (pattern: string) => {
    const compiled = RE2JS.compile(pattern);
    // Ajv shares compiled patterns per instance by `toString()`: it must tell patterns apart.
    return { test: (input: string) => compiled.test(input), toString: () => `re2:${pattern}` };
  },
  { code: 'linearRegExp' },
);

/** `{n}`, `{n,}` or `{n,m}` (an escaped brace counts too: overcounting only makes the check stricter). */
const COUNTED_REPETITION = /\{(\d{1,9})(?:,(\d{0,9}))?\}/g;

/**
 * Why `pattern` may not run on the server, or undefined: too long, repeating too much, not RE2 syntax
 * (backreferences, lookaround), or compiling to too large a program (CONTRACT_LIMITS).
 */
export function regExpProblem(pattern: string): string | undefined {
  if (pattern.length > CONTRACT_LIMITS.maxPatternChars) {
    return `is ${pattern.length} characters; a pattern may have at most ${CONTRACT_LIMITS.maxPatternChars}`;
  }
  let repetition = 0;
  for (const match of pattern.matchAll(COUNTED_REPETITION)) {
    repetition += Number(match[2] === undefined || match[2] === '' ? match[1] : match[2]);
  }
  if (repetition > CONTRACT_LIMITS.maxPatternRepetition) {
    return `repeats ${repetition} times in all ({n,m} bounds added up); a pattern may repeat at most ${CONTRACT_LIMITS.maxPatternRepetition}`;
  }
  let instructions: number;
  try {
    instructions = Number(RE2JS.compile(pattern).re2().numberOfInstructions());
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return `is not a supported regular expression (${reason}); backreferences and lookaround are not supported`;
  }
  if (instructions > CONTRACT_LIMITS.maxPatternInstructions) {
    return `is too complex (${instructions} steps compiled; at most ${CONTRACT_LIMITS.maxPatternInstructions}): use fewer or smaller {n,m} repetitions`;
  }
  return undefined;
}
