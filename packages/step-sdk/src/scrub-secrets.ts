export const REDACTED = '[redacted]';

/**
 * Replaces every occurrence of a secret inside the strings (values and keys) of a JSON-like value with
 * `[redacted]`, deeply.  The worker applies it to step outputs and error messages with the values of the credentials
 * the step used.  Empty secrets are ignored; longer secrets are replaced first, so one that contains another is
 * hidden whole.  Returns a copy; the input is not changed.
 *
 * @example
 * scrubSecrets({ error: 'login as bob:hunter2 failed' }, ['hunter2']) // → { error: 'login as bob:[redacted] failed' }
 */
export function scrubSecrets<T>(value: T, secrets: readonly string[]): T {
  const sorted = [...new Set(secrets.filter((secret) => secret !== ''))].sort((a, b) => b.length - a.length);
  if (sorted.length === 0) return value;
  const scrubString = (text: string): string =>
    sorted.reduce((result, secret) => (result.includes(secret) ? result.split(secret).join(REDACTED) : result), text);
  const seen = new Map<object, unknown>();
  const walk = (node: unknown): unknown => {
    if (typeof node === 'string') return scrubString(node);
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
    for (const [key, item] of Object.entries(node)) copy[scrubString(key)] = walk(item);
    return copy;
  };
  // walk() keeps the shape of JSON-like values (strings stay strings, arrays arrays, plain objects plain objects).
  return walk(value) as T;
}

function isPlainObject(value: object): value is Record<string, unknown> {
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
