/** Helpers the LinearRegExp tests share: only tests import this file (scripts/mutation.ts leaves it unmutated). */

/** Every match `re` finds from the start, as JSONata's `$match` walks them (lastIndex moves on). */
export function allMatches(re: { lastIndex: number; exec(input: string): unknown }, input: string): unknown[] {
  const found: unknown[] = [];
  re.lastIndex = 0;
  for (let guard = 0; guard < 50; guard++) {
    const match = re.exec(input);
    if (!Array.isArray(match)) break;
    found.push([...match, 'index' in match ? match.index : -1]);
    if (match[0] === '') re.lastIndex++;
    if (re.lastIndex > input.length) break;
  }
  return found;
}

/**
 * The input as a JSON string with every character outside printable ASCII escaped, for test names: a raw U+2028 in
 * a name ends the line in TAP output, and the TAP parser of the mutation-testing runner then fails the whole file.
 */
export const asciiJson = (input: string): string =>
  JSON.stringify(input).replace(/[^\x20-\x7e]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
