import type { FlowDocument, PinnedData } from './document.ts';

/**
 * How much sample data a draft may pin: per node and for the whole flow, in bytes of UTF-8 JSON.  The server reads
 * its limits from `PIPEWRIGHT_MAX_PINNED_BYTES_PER_NODE` / `_PER_FLOW`; these are the defaults.
 */
export interface PinnedDataLimits {
  maxBytesPerNode: number;
  maxBytesPerFlow: number;
}

/** 256 KiB per node (the size above which a step output travels by reference anyway), 1 MiB per flow. */
export const DEFAULT_PINNED_DATA_LIMITS: PinnedDataLimits = {
  maxBytesPerNode: 256 * 1024,
  maxBytesPerFlow: 1024 * 1024,
};

/** A pin over a limit: the node it names, its size, and a sentence a builder can act on. */
export interface PinnedDataProblem {
  nodeId: string;
  scope: 'node' | 'flow';
  /** The node's pin (scope `node`) or the flow's pins in all (scope `flow`), in bytes. */
  bytes: number;
  limit: number;
  message: string;
}

/** The pinned sample of every node that has one (an empty object when none). */
export const pinnedDataOf = (doc: FlowDocument): Readonly<PinnedData> => doc.pinnedData ?? {};

/** The node's pinned sample, or undefined (a pinned `null` is returned as `null`). */
export function pinnedDataFor(doc: FlowDocument, nodeId: string): { data: unknown } | undefined {
  const pins = doc.pinnedData;
  return pins !== undefined && Object.hasOwn(pins, nodeId) ? { data: pins[nodeId] } : undefined;
}

/** The document without its pinned data: what a published version, a run or a check needs. */
export function withoutPinnedData(doc: FlowDocument): FlowDocument {
  if (doc.pinnedData === undefined) return doc;
  const { pinnedData: _pins, ...rest } = doc;
  return rest;
}

/**
 * The size of `value` as UTF-8 JSON text (what it costs to store and send).  Pure: counts the code units of
 * `JSON.stringify` instead of encoding.
 *
 * @example
 * jsonByteLength({ a: 'é' }) // 10: {"a":"é"} with é as two bytes
 */
export function jsonByteLength(value: unknown): number {
  const text = JSON.stringify(value) ?? '';
  let bytes = 0;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && index + 1 < text.length) {
      const next = text.charCodeAt(index + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        index += 1;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

/** `1.5 KiB`, `256 KiB`, `1 MiB`: sizes as the limits are stated. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const [value, unit] = bytes < 1024 * 1024 ? [bytes / 1024, 'KiB'] : [bytes / (1024 * 1024), 'MiB'];
  return `${Number(value.toFixed(1))} ${unit}`;
}

/** A size and the limit it broke, as text: exact bytes when the rounded sizes would read the same (1 MiB > 1 MiB). */
function overLimit(bytes: number, limit: number): { size: string; limit: string } {
  const size = formatBytes(bytes);
  const max = formatBytes(limit);
  return size === max ? { size: `${bytes} bytes`, limit: `${limit} bytes (${max})` } : { size, limit: max };
}

/**
 * Every pin over the per-node limit, then — when the pins together are over the per-flow limit — one problem naming
 * the largest pin.  Empty when the document may be saved.
 *
 * @example
 * pinnedDataProblems(doc, DEFAULT_PINNED_DATA_LIMITS)
 * // [{ nodeId: 'fetch', scope: 'node', bytes: 300000, limit: 262144, message: 'Pinned data of node "fetch" is …' }]
 */
export function pinnedDataProblems(doc: FlowDocument, limits: PinnedDataLimits): PinnedDataProblem[] {
  const sizes = Object.entries(pinnedDataOf(doc))
    .map(([nodeId, data]) => ({ nodeId, bytes: jsonByteLength(data) }))
    .sort((a, b) => b.bytes - a.bytes);
  const problems: PinnedDataProblem[] = sizes
    .filter((entry) => entry.bytes > limits.maxBytesPerNode)
    .map((entry) => {
      const text = overLimit(entry.bytes, limits.maxBytesPerNode);
      return {
        ...entry,
        scope: 'node',
        limit: limits.maxBytesPerNode,
        message: `Pinned data of node "${entry.nodeId}" is ${text.size}; the limit is ${text.limit} per node. Pin a smaller sample or unpin it`,
      };
    });
  const total = sizes.reduce((sum, entry) => sum + entry.bytes, 0);
  const largest = sizes[0];
  if (total > limits.maxBytesPerFlow && largest) {
    const text = overLimit(total, limits.maxBytesPerFlow);
    problems.push({
      nodeId: largest.nodeId,
      scope: 'flow',
      bytes: total,
      limit: limits.maxBytesPerFlow,
      message: `Pinned data of this flow is ${text.size} in all; the limit is ${text.limit} per flow. Unpin some steps (the largest is node "${largest.nodeId}", ${formatBytes(largest.bytes)})`,
    });
  }
  return problems;
}

/**
 * Why pinning `data` on `nodeId` would be refused (the editor asks before it pins), or undefined when it fits.
 * The message names the node, its size and the limit it breaks.
 */
export function pinProblem(input: {
  doc: FlowDocument;
  nodeId: string;
  data: unknown;
  limits: PinnedDataLimits;
}): PinnedDataProblem | undefined {
  const { doc, nodeId, data, limits } = input;
  const bytes = jsonByteLength(data);
  if (bytes > limits.maxBytesPerNode) {
    const text = overLimit(bytes, limits.maxBytesPerNode);
    return {
      nodeId,
      scope: 'node',
      bytes,
      limit: limits.maxBytesPerNode,
      message: `Cannot pin the output of node "${nodeId}": it is ${text.size} and the limit is ${text.limit} per node`,
    };
  }
  const others = Object.entries(pinnedDataOf(doc)).filter(([id]) => id !== nodeId);
  const total = others.reduce((sum, [, pinned]) => sum + jsonByteLength(pinned), bytes);
  if (total <= limits.maxBytesPerFlow) return undefined;
  const text = overLimit(total, limits.maxBytesPerFlow);
  return {
    nodeId,
    scope: 'flow',
    bytes: total,
    limit: limits.maxBytesPerFlow,
    message: `Cannot pin the output of node "${nodeId}" (${formatBytes(bytes)}): this flow's pinned data would be ${text.size} and the limit is ${text.limit} per flow. Unpin another step first`,
  };
}
