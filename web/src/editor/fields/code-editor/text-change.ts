/**
 * Pure text helpers for the CodeMirror wrapper: the smallest change that turns one text into another (so an external
 * value, an accepted suggestion or a drop replaces only what differs and the caret keeps its place), and the
 * single-line rule.
 */

export interface TextChange {
  from: number;
  to: number;
  insert: string;
}

/** The one replacement of `[from, to)` in `before` that yields `after`, or null when they are equal. */
export function minimalChange(before: string, after: string): TextChange | null {
  if (before === after) return null;
  const shorter = Math.min(before.length, after.length);
  let prefix = 0;
  while (prefix < shorter && before.charCodeAt(prefix) === after.charCodeAt(prefix)) prefix += 1;
  let suffix = 0;
  while (
    suffix < shorter - prefix &&
    before.charCodeAt(before.length - 1 - suffix) === after.charCodeAt(after.length - 1 - suffix)
  ) {
    suffix += 1;
  }
  return { from: prefix, to: before.length - suffix, insert: after.slice(prefix, after.length - suffix) };
}

/** What a one-line input keeps of typed or pasted text: each line break becomes one space (same length, same caret). */
export const flattenLineBreaks = (text: string): string =>
  text.replace(/\r\n?|\n/g, (match) => ' '.repeat(match.length));
