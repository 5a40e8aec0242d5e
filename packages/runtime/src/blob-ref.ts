/**
 * References to large values stored outside Temporal history (docs/architecture.md, decision 5).  The worker's
 * activities replace big subtrees of step outputs with these and resolve them again before a step runs; the runtime
 * only needs to recognise them, so a node whose expressions would read into one is evaluated in an activity instead
 * of in workflow code (where the data is not loaded, and must not be).
 */
export interface BlobRef {
  __pipewrightBlob: 1;
  id: string;
  /** Size of the stored JSON in bytes. */
  bytes: number;
}

export const isBlobRef = (value: unknown): value is BlobRef =>
  typeof value === 'object' &&
  value !== null &&
  '__pipewrightBlob' in value &&
  value.__pipewrightBlob === 1 &&
  'id' in value &&
  typeof value.id === 'string';

/** True when `value` holds a blob reference anywhere. */
export function containsBlobRef(value: unknown): boolean {
  if (isBlobRef(value)) return true;
  if (Array.isArray(value)) return value.some(containsBlobRef);
  if (value !== null && typeof value === 'object') return Object.values(value).some(containsBlobRef);
  return false;
}
