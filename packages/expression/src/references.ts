import { splitTemplate } from './template.ts';

const DOTTED = /(?<![\w$.])steps\s*\.\s*([A-Za-z_][A-Za-z0-9_]*)/g;
const BRACKETED = /(?<![\w$.])steps\s*\[\s*["']([^"']+)["']\s*\]/g;

/**
 * Node ids a template reads through `steps.<id>` (or `steps["id"]`).  Used by the compiler to refuse references to
 * nodes that are not upstream, and by the editor for autocomplete.  Text inside string literals is not special-cased:
 * a false positive only makes the compiler stricter, never lets a bad reference through.
 */
export function referencedNodeIds(template: string): string[] {
  let parts: ReturnType<typeof splitTemplate>;
  try {
    parts = splitTemplate(template);
  } catch {
    return [];
  }
  const ids = new Set<string>();
  for (const part of parts) {
    if (part.kind !== 'expr') continue;
    for (const match of part.source.matchAll(DOTTED)) if (match[1]) ids.add(match[1]);
    for (const match of part.source.matchAll(BRACKETED)) if (match[1]) ids.add(match[1]);
  }
  return [...ids];
}
