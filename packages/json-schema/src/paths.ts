/** A step along a path: an object key or an array index. */
export type PathSegment = string | number;

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
/** A key longer than this is cut in messages (it came from a sender, a builder or a package). */
const MAX_KEY_CHARS = 64;

/**
 * A readable path from a root name: `body.order.id`, `body.items[0].sku`, `body["content-type"]`.
 *
 * @example formatPath('body', ['items', 0, 'sku']) // → 'body.items[0].sku'
 */
export function formatPath(root: string, segments: readonly PathSegment[]): string {
  let path = root;
  for (const segment of segments) {
    if (typeof segment === 'number') path += `[${segment}]`;
    else {
      const key = segment.length > MAX_KEY_CHARS ? `${segment.slice(0, MAX_KEY_CHARS)}…` : segment;
      path += IDENTIFIER.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
    }
  }
  return path;
}

/** The segments of a JSON Pointer (`/order/id`), `~1` and `~0` decoded. */
export function pointerSegments(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((segment) => segment.replaceAll('~1', '/').replaceAll('~0', '~'));
}

/** The own value at `segments` inside `root` (never an inherited one), or undefined. */
export function valueAt(root: unknown, segments: readonly PathSegment[]): unknown {
  let value: unknown = root;
  for (const segment of segments) {
    if (value === null || typeof value !== 'object') return undefined;
    value = Object.getOwnPropertyDescriptor(value, String(segment))?.value;
  }
  return value;
}

/** Pointer segments as keys and indexes: a segment is an index where the value it steps into is an array. */
export function typedSegments(root: unknown, segments: readonly string[]): PathSegment[] {
  const typed: PathSegment[] = [];
  let value: unknown = root;
  for (const segment of segments) {
    if (Array.isArray(value) && /^\d+$/.test(segment)) {
      const index = Number(segment);
      typed.push(index);
      value = value[index];
    } else {
      typed.push(segment);
      value =
        value !== null && typeof value === 'object'
          ? Object.getOwnPropertyDescriptor(value, segment)?.value
          : undefined;
    }
  }
  return typed;
}
