/**
 * Searchable fields (`ExecutionPlan.searchable`): their value limit, and how a value becomes an item of a run's `RunKeys`
 * search attribute.  Shared by the compiler (limits), the workflow (items) and the server (filters), so a value is
 * encoded alike where it is stored and where it is searched.
 */

/**
 * A value is cut to this many characters (after encoding) before it is stored, and a searched value alike, so a
 * longer value is found by its first 100 characters.  (How many fields a flow may declare: `@pipewright/flow`.)
 */
export const MAX_RUN_KEY_VALUE_LENGTH = 100;

/**
 * `%`, quotes, backslashes and control characters become `%XX`: a stored item, and the literal a search puts in a
 * visibility query, then never hold a character of the query syntax, whatever the value.
 */
export function encodeRunKeyValue(value: string): string {
  return value.replace(
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is encoded
    /[%"'\\`\u0000-\u001f\u007f]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`,
  );
}

/** The inverse of `encodeRunKeyValue`, for showing a stored item. */
export function decodeRunKeyValue(encoded: string): string {
  return encoded.replace(/%([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}

/** One `RunKeys` item: `name=value`, the value encoded and cut to the limit. */
export function runKeyItem(name: string, value: string): string {
  return `${name}=${encodeRunKeyValue(value).slice(0, MAX_RUN_KEY_VALUE_LENGTH)}`;
}
