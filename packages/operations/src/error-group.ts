/**
 * Failures with the same cause share an error group: a short stable hash over the flow, the node and the message
 * with its variable parts replaced — numbers (except an HTTP status after `answered`, `status`, `HTTP` or `code`),
 * UUIDs and long hex ids, quoted values and URLs' query strings — so "timeout after 3012 ms" and "timeout after
 * 2990 ms" group together, and "answered 500" and "answered 429" do not.
 */

/** The message as it is grouped: variable parts replaced by placeholders. */
export function normalizeErrorMessage(message: string): string {
  return (
    message
      .replace(/(https?:\/\/[^\s?#"']*)[?#][^\s"']*/gi, '$1?…')
      .replace(/"[^"]*"|'[^']*'|`[^`]*`/g, '"…"')
      .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<id>')
      .replace(/\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{12,}\b/gi, '<id>')
      .replace(/\b[A-Za-z]+_[A-Za-z0-9]{6,}\b/g, '<id>')
      // An HTTP status names the cause ("answered 500" ≠ "answered 429"); any other number is a detail.
      .replace(/(?<!\b(?:answered|status|HTTP|code)[ :=]*)\d+(\.\d+)?/gi, '<n>')
      .replace(/\s+/g, ' ')
      .trim()
  );
}

/**
 * The error group of a failure: 11 base-36 characters.
 *
 * @example errorGroupOf('flow_1', 'call', 'timeout after 3012 ms') === errorGroupOf('flow_1', 'call', 'timeout after 2990 ms')
 */
export function errorGroupOf(flowId: string, nodeId: string, message: string): string {
  const text = `${flowId}\u0000${nodeId}\u0000${normalizeErrorMessage(message)}`;
  return hash53(text).toString(36).padStart(11, '0');
}

/** cyrb53: a fast, well-mixed 53-bit string hash (not cryptographic; groups are labels, not secrets). */
function hash53(text: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ code, 2654435761);
    h2 = Math.imul(h2 ^ code, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}
