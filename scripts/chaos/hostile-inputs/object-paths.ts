/**
 * Setting and deleting values at a path (`nodes.2.config.body`) in the objects a case builds before they are written
 * as JSON.  Every key is set as an own, enumerable property, so `__proto__`, `constructor` and `prototype` become
 * plain keys of the body, as JSON.parse on the server makes them, instead of changing the object's prototype.
 */

export type Path = (string | number)[];
type Container = Record<string | number, unknown>;

/** Sets an own, enumerable property: `__proto__` becomes a key, as JSON.parse makes it, not the prototype. */
export function setOwn(target: object, key: string | number, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

export function withKeys(entries: [string, unknown][]): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  for (const [key, value] of entries) setOwn(object, key, value);
  return object;
}

/** Sets the value at `path`, making objects on the way where there are none. */
export function setAt(root: object, path: Path, value: unknown): void {
  let at = root as Container;
  for (const key of path.slice(0, -1)) {
    const next = at[key];
    if (next === null || typeof next !== 'object') setOwn(at, key, {});
    at = at[key] as Container;
  }
  const last = path.at(-1);
  if (last === undefined) throw new Error('setAt needs a path');
  setOwn(at, last, value);
}

export function deleteAt(root: object, path: Path): void {
  const parent = path.slice(0, -1).reduce<unknown>((at, key) => (at as Container | undefined)?.[key], root);
  const last = path.at(-1);
  if (parent !== null && typeof parent === 'object' && last !== undefined) delete (parent as Container)[last];
}

/** The path as the report shows it: `nodes.2.id`. */
export const show = (path: Path): string => path.join('.');
