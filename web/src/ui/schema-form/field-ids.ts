/**
 * The test id of a form control from its rjsf id.  A top-level field keeps its id (`field-url`); a row cell, which
 * rjsf ids as `<list>-<index>-<column>`, gets `<list>-<column>-<index>` (`field-fields-name-0`), the ids the row
 * editors have always had and the e2e suites use.
 */
export function testIdFor(id: string): string {
  const cell = /^(.+)-(\d+)-([^-]+)$/.exec(id);
  return cell ? `${cell[1]}-${cell[3]}-${cell[2]}` : id;
}

/** The row number (1-based) of a row cell's id, for its accessible name; undefined outside a row. */
export function rowNumberOf(id: string): number | undefined {
  const cell = /-(\d+)-[^-]+$/.exec(id);
  return cell ? Number(cell[1]) + 1 : undefined;
}

/** Comma-separated text → a list of strings (blank items dropped). */
export function parseStringList(text: string): string[] {
  return text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
}
