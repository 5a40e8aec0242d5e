import { isBlobRef } from '@pipewright/runtime';
import type { BlobMeta, BlobReader, BlobStore } from './blob-store.ts';
import { jsonLength } from './json-text.ts';

/** Default: outputs up to 256 KB stay inline in history; larger subtrees go to the blob store. */
export const DEFAULT_INLINE_LIMIT_BYTES = 256 * 1024;

interface Sized {
  bytes: number;
  /** The approximate JSON size of each direct child: offload moves children out whole, never part of one. */
  children?: Map<string | number, number>;
}

/** The size of `value` and of each of its direct children. */
function measure(value: unknown): Sized {
  if (value === null || typeof value !== 'object') return { bytes: jsonLength(value) };
  const children = new Map<string | number, number>();
  let bytes = 2;
  const entries: [string | number, unknown][] = Array.isArray(value) ? [...value.entries()] : Object.entries(value);
  for (const [key, item] of entries) {
    if (item === undefined) continue;
    const size = jsonLength(item);
    children.set(key, size);
    bytes += size + (typeof key === 'number' ? 1 : key.length + 4);
  }
  return { bytes, children };
}

/**
 * Replaces the largest subtrees of `value` by blob references until what remains fits `limitBytes`, so small
 * fields (an HTTP status, headers) stay readable by expressions in the workflow while a 50 MB body does not
 * enter history.
 */
export async function offloadLargeValues(
  value: unknown,
  store: BlobStore,
  options: { limitBytes: number; meta: BlobMeta },
): Promise<unknown> {
  const sized = measure(value);
  return offload(value, sized, store, options);
}

async function offload(
  value: unknown,
  sized: Sized,
  store: BlobStore,
  options: { limitBytes: number; meta: BlobMeta },
): Promise<unknown> {
  if (sized.bytes <= options.limitBytes) return value;
  if (value === null || typeof value !== 'object' || !sized.children || sized.children.size === 0) {
    return store.put(value, options.meta);
  }
  // Arrays and objects alike: a shallow copy whose biggest entries are moved out until the value fits.
  const copy = new Map<string | number, unknown>(Array.isArray(value) ? value.entries() : Object.entries(value));
  let remaining = sized.bytes;
  const biggestFirst = [...sized.children.entries()].sort((a, b) => b[1] - a[1]);
  for (const [key, childBytes] of biggestFirst) {
    if (remaining <= options.limitBytes) break;
    // A child that is itself too big goes out whole; otherwise children are moved out until the parent fits.
    const ref = await store.put(copy.get(key), options.meta);
    copy.set(key, ref);
    remaining -= childBytes - JSON.stringify(ref).length;
  }
  return Array.isArray(value) ? [...copy.values()] : Object.fromEntries(copy);
}

/**
 * Loads every blob reference inside `value` (an activity's input), so steps see plain data.  A reference that occurs
 * more than once (a node's output is both `input` and `steps.<node>` of the next node's context) is loaded once, and
 * its occurrences share the loaded value.
 */
export async function resolveBlobRefs(value: unknown, store: BlobStore, reader: BlobReader): Promise<unknown> {
  const loads = new Map<string, Promise<unknown>>();
  const resolve = async (node: unknown): Promise<unknown> => {
    if (isBlobRef(node)) {
      let load = loads.get(node.id);
      if (!load) {
        load = store.get(node, reader);
        loads.set(node.id, load);
      }
      return load;
    }
    if (Array.isArray(node)) return Promise.all(node.map(resolve));
    if (node !== null && typeof node === 'object') {
      const entries = await Promise.all(
        Object.entries(node).map(async ([key, item]) => [key, await resolve(item)] as const),
      );
      return Object.fromEntries(entries);
    }
    return node;
  };
  return resolve(value);
}
