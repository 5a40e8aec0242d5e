// The forms a known secret can take in a step's output besides its own text, as regular-expression sources.
// Pure: web-platform globals only (TextEncoder, btoa), so the SDK runs unchanged in Node, browsers and sandboxes.

/**
 * Secrets shorter than this are only replaced as their literal text.  Their encoded forms and numeric values are
 * short patterns that turn up by chance: a base64 fragment of a 4-byte secret is 5 characters (about one chance match
 * per megabyte of base64 data), and a 4-digit secret equals ordinary numbers such as years, ports and counts, whose
 * replacement would also change the output's type.  From 6 characters on, a base64 fragment is at least 7 characters
 * (42 bits) and a hex form 12, so a chance match is negligible, and a numeric secret is no longer an everyday number.
 * A secret that short can be guessed anyway, so hiding its encodings would protect little.
 */
export const MIN_ENCODED_SECRET_LENGTH = 6;

const encoder = new TextEncoder();

/** A regular-expression source and the length of text it matches at least (longer alternatives are tried first). */
export interface SecretPattern {
  source: string;
  length: number;
}

/** Every form of one secret to replace: its text and, from `MIN_ENCODED_SECRET_LENGTH` on, its encodings. */
export function patternsOf(secret: string): SecretPattern[] {
  const literal = { source: escapeRegExp(secret), length: secret.length };
  if (secret.length < MIN_ENCODED_SECRET_LENGTH) return [literal];
  const bytes = encoder.encode(secret);
  const jsonEscaped = JSON.stringify(secret).slice(1, -1);
  return [
    // Also matches the literal text.
    { source: percentEncodedPattern(secret), length: secret.length },
    ...(jsonEscaped === secret ? [] : [{ source: escapeRegExp(jsonEscaped), length: jsonEscaped.length }]),
    { source: hexPattern(bytes), length: bytes.length * 2 },
    ...base64Forms(bytes).map((form) => ({ source: escapeRegExp(form), length: form.length })),
  ];
}

/** A secret that reads as a number (`12345678`, `-0.25`, `1e9`): the number a JSON output could carry it as. */
export function numericValueOf(secret: string): number | undefined {
  if (secret.length < MIN_ENCODED_SECRET_LENGTH) return undefined;
  if (!/^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(secret)) return undefined;
  const value = Number(secret);
  return Number.isFinite(value) ? value : undefined;
}

/**
 * The secret with any of its characters other than letters and digits either literal or percent-encoded (UTF-8
 * bytes, hex digits in either case), and a space also as `+`: covers `encodeURIComponent`, `encodeURI`, form encoding
 * (`URLSearchParams`) and encoders that escape more (RFC 3986's sub-delimiters) or use lowercase hex.
 */
function percentEncodedPattern(secret: string): string {
  let source = '';
  for (const char of secret) {
    if (/^[A-Za-z0-9]$/.test(char)) {
      source += char;
      continue;
    }
    const encoded = [...encoder.encode(char)].map((byte) => `%${hexPattern([byte])}`).join('');
    // The encoded form first: a literal `%` would otherwise match the start of `%25` and leave `25` behind.
    source += `(?:${encoded}|${escapeRegExp(char)}${char === ' ' ? '|\\+' : ''})`;
  }
  return source;
}

/** The UTF-8 bytes as hex digits, letters in either case. */
function hexPattern(bytes: Iterable<number>): string {
  let source = '';
  for (const byte of bytes) {
    for (const digit of byte.toString(16).padStart(2, '0')) {
      source += /[a-f]/.test(digit) ? `[${digit}${digit.toUpperCase()}]` : digit;
    }
  }
  return source;
}

/**
 * Base64 (standard and URL-safe alphabets, padded or not) of the secret, wherever it sits in the encoded data.  Its
 * base64 depends on its byte offset modulo 3, so there are three encodings; of each, the characters that also encode
 * neighbouring bytes are left out (at most 4 bits of the secret stay visible on either side).  When the secret ends
 * the data (a Basic auth `user:password`), its last characters and padding are known too: that longer form is listed
 * first so it is replaced whole.
 */
function base64Forms(bytes: Uint8Array): string[] {
  const forms = new Set<string>();
  for (const offset of [0, 1, 2] as const) {
    const shifted = new Uint8Array(offset + bytes.length);
    shifted.set(bytes, offset);
    const encoded = btoa(binaryString(shifted));
    // Characters 0..head-1 hold bits of the `offset` bytes before the secret.
    const head = [0, 2, 3][offset] ?? 0;
    // Characters whose 6 bits all come from the secret (or the bytes before it).
    const exact = Math.floor((shifted.length * 8) / 6);
    const endsHere = encoded.slice(head);
    for (const form of [endsHere, endsHere.replace(/=+$/, ''), encoded.slice(head, exact)]) {
      forms.add(form);
      forms.add(form.replaceAll('+', '-').replaceAll('/', '_'));
    }
  }
  return [...forms];
}

function binaryString(bytes: Uint8Array): string {
  let text = '';
  for (const byte of bytes) text += String.fromCharCode(byte);
  return text;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
