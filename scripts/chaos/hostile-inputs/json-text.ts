/**
 * JSON text that JSON.stringify cannot write: numbers like 1e400, NaN, 5,000 levels of nesting, lone-surrogate
 * escapes and bytes that are not UTF-8.  Hostile values hold such text as `Raw` parts; `toJson` writes a value with
 * its Raw parts verbatim, `encode` turns the text into the bytes sent, and `excerpt` shows it in a report.
 */

/** JSON text put into a body verbatim: 1e400, NaN, 5,000 levels, lone-surrogate escapes, invalid bytes. */
export class Raw {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
}

/** Stands for bytes that are not UTF-8 inside JSON text; `encode` swaps them in (a JS string cannot hold them). */
export const BAD_UTF8 = '\uE000not-utf8\uE000';
/** 0xFF, an overlong "/" (C0 AF) and a UTF-8-encoded surrogate (ED A0 80): none is valid UTF-8. */
const INVALID_BYTES = Buffer.from([0xff, 0xc0, 0xaf, 0xed, 0xa0, 0x80]);

export function encode(text: string): Buffer {
  const parts = text.split(BAD_UTF8).map((part) => Buffer.from(part, 'utf8'));
  return Buffer.concat(parts.flatMap((part, index) => (index === 0 ? [part] : [INVALID_BYTES, part])));
}

/** JSON text of a value whose parts may be Raw; own `__proto__` keys are written like any other key. */
export function toJson(value: unknown): string {
  if (value instanceof Raw) return value.text;
  if (Array.isArray(value)) return `[${value.map(toJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, item]) => item !== undefined);
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${toJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Text for a report: invalid UTF-8 named, whitespace folded, cut at `length` characters. */
export const excerpt = (text: string, length: number): string => {
  const shown = text.replaceAll(BAD_UTF8, '<invalid UTF-8>').replaceAll(/\s+/g, ' ');
  return shown.length <= length ? shown : `${shown.slice(0, length)}…(${text.length} chars)`;
};
