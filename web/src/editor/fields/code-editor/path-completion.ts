import {
  acceptSuggestion,
  filterSuggestions,
  insertFieldAt,
  type PathSuggestion,
  tokenAtCaret,
} from '../../data-mapping/data-mapping.ts';

/**
 * The data mapper's path suggestions in the shape of a CodeMirror completion result, kept free of CodeMirror so the
 * mapping is tested in Node: which paths to offer at the caret, the range they replace, and the text after one is
 * accepted or a field is dropped.
 */

export interface PathCompletions {
  /** The typed path being completed: `[from, to)` is replaced on accept. */
  from: number;
  to: number;
  options: { path: string; type?: string }[];
}

/** Paths to offer while the caret sits inside an open `{{ … }}`; null outside an expression or with no match. */
export function pathCompletions(
  text: string,
  caret: number,
  suggestions: readonly PathSuggestion[],
): PathCompletions | null {
  const token = tokenAtCaret(text, caret);
  if (!token) return null;
  const matches = filterSuggestions(suggestions, token.prefix);
  if (matches.length === 0) return null;
  return {
    from: token.start,
    to: token.end,
    options: matches.map((entry) =>
      entry.type === undefined ? { path: entry.path } : { path: entry.path, type: entry.type },
    ),
  };
}

/** The text and caret after accepting `path` at the caret (closing the expression when needed); null outside one. */
export function acceptPathAt(text: string, caret: number, path: string): { text: string; caret: number } | null {
  const token = tokenAtCaret(text, caret);
  return token ? acceptSuggestion(text, token, path) : null;
}

/** The text and caret after dropping a dragged field at `position`: `{{ path }}` in text, the bare path inside one. */
export const dropPathAt = (text: string, position: number, path: string) => insertFieldAt(text, position, path);
