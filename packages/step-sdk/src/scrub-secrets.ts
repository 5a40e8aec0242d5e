import { defineOwn } from './safe-object.ts';
import { MIN_ENCODED_SECRET_LENGTH, numericValueOf, patternsOf } from './scrub-secrets-forms.ts';

export const REDACTED = '[redacted]';

/**
 * Replaces every occurrence of a secret inside the strings (values and keys) of a JSON-like value with
 * `[redacted]`, deeply.  The worker applies it to step outputs and error messages with the values of the credentials
 * the step used.
 *
 * Besides its text, a secret of at least 6 characters (`MIN_ENCODED_SECRET_LENGTH`) is also found percent-encoded
 * (`encodeURIComponent`, form encoding, either hex case), JSON-escaped, in hex, and in base64 (standard or URL-safe,
 * padded or not, also inside a longer base64 text such as a Basic auth header); and a number is replaced by the
 * string `[redacted]` when it has a numeric secret's value (`12345678` for the secret `"12345678"`) or its digits
 * contain one.  Shorter secrets are replaced as their text only: their encodings and numbers would match by chance.
 *
 * Empty secrets are ignored; longer secrets are tried first, so one that contains another is hidden whole, and
 * every secret is replaced in one pass, so `[redacted]` itself is never rewritten.  Returns a copy; the input is not
 * changed.
 *
 * @example
 * scrubSecrets({ error: 'login as bob:hunter2 failed' }, ['hunter2']) // → { error: 'login as bob:[redacted] failed' }
 * scrubSecrets({ url: '/login?pw=p%40ssw0rd', pin: 12345678 }, ['p@ssw0rd', '12345678'])
 * // → { url: '/login?pw=[redacted]', pin: '[redacted]' }
 */
export function scrubSecrets<T>(value: T, secrets: readonly string[]): T {
  const unique = [...new Set(secrets.filter((secret) => secret !== ''))];
  if (unique.length === 0) return value;
  const patterns = unique.flatMap(patternsOf).sort((a, b) => b.length - a.length);
  const anySecret = new RegExp(patterns.map((pattern) => pattern.source).join('|'), 'g');
  const scrubString = (text: string): string => text.replace(anySecret, REDACTED);
  const longSecrets = unique.filter((secret) => secret.length >= MIN_ENCODED_SECRET_LENGTH);
  const numericSecrets = new Set(unique.map(numericValueOf).filter((number) => number !== undefined));
  const scrubNumber = (number: number | bigint): number | bigint | string => {
    if (typeof number === 'number' && numericSecrets.has(number)) return REDACTED;
    const text = String(number);
    return longSecrets.some((secret) => text.includes(secret)) ? scrubString(text) : number;
  };
  const seen = new Map<object, unknown>();
  const walk = (node: unknown): unknown => {
    if (typeof node === 'string') return scrubString(node);
    if (typeof node === 'number' || typeof node === 'bigint') return scrubNumber(node);
    if (node === null || typeof node !== 'object') return node;
    const copied = seen.get(node);
    if (copied !== undefined) return copied;
    if (Array.isArray(node)) {
      const copy: unknown[] = [];
      seen.set(node, copy);
      for (const item of node) copy.push(walk(item));
      return copy;
    }
    if (!isPlainObject(node)) return node;
    const copy: Record<string, unknown> = {};
    seen.set(node, copy);
    for (const [key, item] of Object.entries(node)) defineOwn(copy, scrubString(key), walk(item));
    return copy;
  };
  // walk() keeps the shape of JSON-like values (arrays stay arrays, plain objects plain objects); only a number that
  // held a secret becomes a string, which the declared type T does not show.
  return walk(value) as T;
}

function isPlainObject(value: object): value is Record<string, unknown> {
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
