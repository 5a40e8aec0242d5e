/** JSONata-like truthiness: false, null, undefined, 0, NaN, "" and [] are false; everything else is true. */
export function isTruthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  return Boolean(value);
}
