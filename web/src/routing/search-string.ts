/**
 * The router's query-string format: flat `name=value` pairs, every value a string.  TanStack's default JSON-parses
 * values (`?version=3` → 3, `?key=true` → true) and JSON-quotes strings that look like numbers on the way out
 * (`?flow=%22123%22`); the app's filters are all plain text, so hand-written and shared URLs stay as typed.  Each
 * route's `validateSearch` turns the strings into its typed search.  Pure: tested in Node.
 */
export function parseSearchString(searchString: string): Record<string, string> {
  const search: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(searchString)) search[name] = value;
  return search;
}

/** The query string with its `?`, or '' when nothing is set; empty and missing values are left out. */
export function stringifySearch(search: Record<string, unknown>): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(search)) {
    if (typeof value === 'string' ? value !== '' : typeof value === 'number' || typeof value === 'boolean') {
      params.set(name, String(value));
    }
  }
  const query = params.toString();
  return query === '' ? '' : `?${query}`;
}
