/**
 * JSON text of large values without building it whole: a 50 MB step output is measured and written to the blob store
 * a piece at a time, so the worker never holds the value, its 50 MB of text and a 50 MB buffer of that text at once.
 */

/** Quotes, backslashes, control characters and surrogates: what may make JSON text longer than the string. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters are what JSON escapes
const MAY_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** The length of `JSON.stringify(text)`, without building it. */
function jsonStringLength(text: string): number {
  if (!MAY_ESCAPE.test(text)) return text.length + 2;
  let length = 2;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x22 || code === 0x5c) length += 2;
    else if (code < 0x20) length += code === 8 || code === 9 || code === 10 || code === 12 || code === 13 ? 2 : 6;
    else if (code >= 0xd800 && code <= 0xdbff && isLowSurrogate(text.charCodeAt(i + 1))) {
      length += 2;
      i++;
    } else if (code >= 0xd800 && code <= 0xdfff)
      length += 6; // a lone surrogate is written as \udxxx
    else length += 1;
  }
  return length;
}

const isLowSurrogate = (code: number) => code >= 0xdc00 && code <= 0xdfff;

/** What JSON.stringify leaves out of an object and writes as `null` in an array. */
const isOmitted = (value: unknown) => value === undefined || typeof value === 'function' || typeof value === 'symbol';

/**
 * The JSON size of a value, walking it without building anything (a 50 MB body has millions of nodes); exact for
 * JSON data, approximate for what JSON.stringify would convert (a Date, an object with toJSON).
 */
export function jsonLength(value: unknown): number {
  if (typeof value === 'string') return jsonStringLength(value);
  if (value === null || typeof value !== 'object') return (JSON.stringify(value) ?? 'null').length;
  let bytes = 2;
  let members = 0;
  if (Array.isArray(value)) {
    for (const item of value) {
      bytes += jsonLength(item);
      members++;
    }
  } else {
    for (const key in value) {
      if (!Object.hasOwn(value, key)) continue;
      const item = (value as Record<string, unknown>)[key];
      if (isOmitted(item)) continue;
      bytes += jsonStringLength(key) + 1 + jsonLength(item);
      members++;
    }
  }
  return bytes + Math.max(0, members - 1);
}

/** Arrays and plain objects are written member by member; anything else (a leaf, a Date…) by JSON.stringify. */
const isContainer = (value: unknown): value is object =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as { toJSON?: unknown }).toJSON !== 'function' &&
  (Array.isArray(value) || Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null);

/** Pieces whose concatenation is `JSON.stringify(value)`. */
function* jsonPieces(value: unknown): Generator<string> {
  if (!isContainer(value)) {
    yield JSON.stringify(value) ?? 'null';
    return;
  }
  if (Array.isArray(value)) {
    yield '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) yield ',';
      const item: unknown = value[i];
      if (isOmitted(item)) yield 'null';
      else yield* jsonPieces(item);
    }
    yield ']';
    return;
  }
  yield '{';
  let first = true;
  for (const [key, item] of Object.entries(value)) {
    if (isOmitted(item)) continue;
    yield `${first ? '' : ','}${JSON.stringify(key)}:`;
    first = false;
    yield* jsonPieces(item);
  }
  yield '}';
}

const SLICE_CHARS = 1 << 20;

/**
 * A string as UTF-8 buffers of about `sliceChars` characters each.  A slice never ends between the two halves of a
 * surrogate pair (each half alone would be encoded as U+FFFD).
 */
export function* utf8Slices(text: string, sliceChars = SLICE_CHARS): Generator<Buffer> {
  let start = 0;
  while (start < text.length) {
    let end = Math.min(start + sliceChars, text.length);
    const last = text.charCodeAt(end - 1);
    // A slice of one high surrogate takes its pair along instead of becoming empty.
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end += end - 1 > start ? -1 : 1;
    yield Buffer.from(text.slice(start, end), 'utf8');
    start = end;
  }
}

/** `JSON.stringify(value)` as UTF-8 buffers of about `sliceChars` characters each. */
export function* jsonUtf8Slices(value: unknown, sliceChars = SLICE_CHARS): Generator<Buffer> {
  let pending: string[] = [];
  let pendingChars = 0;
  for (const piece of jsonPieces(value)) {
    if (piece.length >= sliceChars) {
      if (pendingChars > 0) yield Buffer.from(pending.join(''), 'utf8');
      pending = [];
      pendingChars = 0;
      yield* utf8Slices(piece, sliceChars);
      continue;
    }
    pending.push(piece);
    pendingChars += piece.length;
    if (pendingChars >= sliceChars) {
      yield Buffer.from(pending.join(''), 'utf8');
      pending = [];
      pendingChars = 0;
    }
  }
  if (pendingChars > 0) yield Buffer.from(pending.join(''), 'utf8');
}
