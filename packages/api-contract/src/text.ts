import { z } from 'zod';

/**
 * Why a name cannot be stored as given, or `undefined` when it can: control characters (NUL and the rest of
 * U+0000–U+001F, U+007F–U+009F) break logs, terminals and C-string consumers; an unpaired UTF-16 surrogate is not
 * text at all (it cannot be encoded as UTF-8, so MongoDB, JSON consumers and browsers each mangle it differently).
 *
 * @example
 * textProblem('Nightly import') // undefined
 * textProblem('a\u0000b') // 'must not contain control characters (U+0000 at position 2)'
 */
export function textProblem(value: string): string | undefined {
  for (let index = 0; index < value.length; index++) {
    const code = value.charCodeAt(index);
    if (code <= 0x1f || (code >= 0x7f && code <= 0x9f)) {
      return `must not contain control characters (${codePoint(code)} at position ${index + 1})`;
    }
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = value.charCodeAt(index + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        index++;
        continue;
      }
    }
    if (code >= 0xd800 && code <= 0xdfff) {
      return `must be valid Unicode text (unpaired surrogate ${codePoint(code)} at position ${index + 1})`;
    }
  }
  return undefined;
}

const codePoint = (code: number): string => `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;

/**
 * The zod refinement every name field of the contract uses (flows, credentials, workspaces, users, tokens, step
 * titles): a 400 naming the field and the character, instead of storing text other systems cannot round-trip.
 *
 * @example
 * const flowName = z.string().trim().min(1).max(200).superRefine(refuseUnsafeText);
 */
export function refuseUnsafeText(value: string, ctx: z.RefinementCtx): void {
  const problem = textProblem(value);
  if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
}

/** A required display name of at most `max` characters, trimmed, refused when `textProblem` finds something. */
export const nameText = (max: number) => z.string().trim().min(1, 'is required').max(max).superRefine(refuseUnsafeText);
