/**
 * Writing keys that users or data choose without ever reaching a prototype.
 *
 * `target[key] = value` is unsafe when `key` comes from a flow, a request or a step's data: `__proto__` replaces the
 * target's prototype, and a path walk through `__proto__` or `constructor.prototype` lands on `Object.prototype`,
 * which every later run on the same worker shares.  Every place that builds an object from user-chosen keys goes
 * through these helpers:
 *
 * - **Names and paths a user wrote** (a Transform's field names, a Merge key, config keys) are refused when a segment
 *   is reserved (`setOwnPath`, `deleteOwnPath`, `assertSafePath` throw `ReservedKeyError`).
 * - **Data being copied** (merged items, scrubbed outputs, database rows, headers) keeps every key, `__proto__`
 *   included, as an own property — exactly what `JSON.parse` makes of it (`defineOwn`, `assignOwn`).
 *
 * Both write with `Object.defineProperty`, so no setter runs, and paths walk own properties only, so even a key the
 * checks missed cannot step into a prototype.
 *
 * @example
 * const output: Record<string, unknown> = {};
 * setOwnPath(output, ['order', 'total'], 12); // { order: { total: 12 } }
 * setOwnPath(output, ['__proto__', 'admin'], true); // throws ReservedKeyError; Object.prototype is untouched
 * assignOwn({}, JSON.parse('{"__proto__": {"admin": true}}')); // { ['__proto__']: { admin: true } }, own data
 */

/** Keys that name a prototype (or the way to one) rather than data: never a field name or path segment. */
export const RESERVED_KEYS: readonly string[] = ['__proto__', 'constructor', 'prototype'];

export const isReservedKey = (key: string): boolean => RESERVED_KEYS.includes(key);

/** The first reserved segment of a path, or undefined when the path is safe to write. */
export const reservedKeyIn = (path: readonly string[]): string | undefined => path.find(isReservedKey);

/** A user-chosen name or path that would write into a prototype instead of the data. */
export class ReservedKeyError extends Error {
  readonly key: string;
  readonly path: string;
  constructor(key: string, path: readonly string[] = [key]) {
    const joined = path.join('.');
    const where = joined === key ? `"${key}"` : `"${joined}" uses "${key}", which`;
    super(`${where} is reserved (it names the object prototype, not data); use another name`);
    this.name = 'ReservedKeyError';
    this.key = key;
    this.path = joined;
  }
}

/** Throws `ReservedKeyError` when a segment of `path` (a single key is a path of one) is reserved. */
export function assertSafePath(path: readonly string[]): void {
  const reserved = reservedKeyIn(path);
  if (reserved !== undefined) throw new ReservedKeyError(reserved, path);
}

type Writable = Record<string, unknown>;

const isPlainRecord = (value: unknown): value is Writable =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Sets `target[key]` as an own, enumerable, writable data property, whatever the key — `__proto__` included — the way
 * `JSON.parse` and object spread do: never a setter, never the prototype.  For copying data; names a user wrote go
 * through `setOwnPath`, which refuses reserved keys.
 */
export function defineOwn<T extends object>(target: T, key: string, value: unknown): T {
  Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  return target;
}

/** `target[key]` when it is the target's own property, else undefined (never an inherited `constructor`). */
export function getOwn(target: Readonly<Writable>, key: string): unknown {
  return Object.hasOwn(target, key) ? target[key] : undefined;
}

/**
 * `Object.assign` for data: copies the sources' own enumerable string keys onto `target` with `defineOwn`, so a
 * source's own `__proto__` key stays data instead of replacing `target`'s prototype.
 */
export function assignOwn<T extends object>(target: T, ...sources: readonly object[]): T {
  for (const source of sources) {
    for (const [key, value] of Object.entries(source)) defineOwn(target, key, value);
  }
  return target;
}

/**
 * Sets the field at `path` (`['order', 'total']`), creating plain objects on the way; a segment that holds no plain
 * object of the target's own is replaced by one.  Throws `ReservedKeyError` (before changing anything) when a
 * segment is reserved.
 */
export function setOwnPath(target: Writable, path: readonly string[], value: unknown): void {
  assertSafePath(path);
  const last = path.at(-1);
  if (last === undefined) return;
  let cursor = target;
  for (const key of path.slice(0, -1)) {
    const next = getOwn(cursor, key);
    if (isPlainRecord(next)) cursor = next;
    else {
      const created: Writable = {};
      defineOwn(cursor, key, created);
      cursor = created;
    }
  }
  defineOwn(cursor, last, value);
}

/** Deletes the field at `path` when it exists as own properties all the way; throws `ReservedKeyError` like `setOwnPath`. */
export function deleteOwnPath(target: Writable, path: readonly string[]): void {
  assertSafePath(path);
  const last = path.at(-1);
  if (last === undefined) return;
  let cursor = target;
  for (const key of path.slice(0, -1)) {
    const next = getOwn(cursor, key);
    if (!isPlainRecord(next)) return;
    cursor = next;
  }
  if (Object.hasOwn(cursor, last)) delete cursor[last];
}
