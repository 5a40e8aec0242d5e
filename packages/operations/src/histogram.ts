/**
 * Fixed histogram buckets for run and step durations (ms), stored as counters `l00…l19` (runs) and `d00…d19`
 * (steps) in the rollups.  Fixed, so any two rollup slots add up field by field; the last bucket is open-ended.
 * Quantiles read from them are estimates: exact to the bucket, interpolated inside it.
 */
export const DURATION_BOUNDS_MS: readonly number[] = [
  10,
  25,
  50,
  100,
  250,
  500,
  1_000,
  2_500,
  5_000,
  10_000,
  30_000,
  60_000,
  120_000,
  300_000,
  600_000,
  1_800_000,
  3_600_000,
  21_600_000,
  86_400_000,
  Number.POSITIVE_INFINITY,
];

export const BUCKET_COUNT = DURATION_BOUNDS_MS.length;

/** The bucket a duration falls in: the first whose upper bound it does not exceed. */
export function bucketOf(durationMs: number): number {
  const value = Number.isFinite(durationMs) && durationMs > 0 ? durationMs : 0;
  const index = DURATION_BOUNDS_MS.findIndex((bound) => value <= bound);
  return index === -1 ? BUCKET_COUNT - 1 : index;
}

/** `l07`, `d12`: the counter field of bucket `index` under `prefix`. */
export const bucketField = (prefix: 'l' | 'd', index: number): string => `${prefix}${String(index).padStart(2, '0')}`;

/**
 * The q-quantile (0 < q ≤ 1) of the durations counted in `counts` (one count per bucket), interpolated linearly
 * inside its bucket; `null` when nothing was counted.  The open last bucket answers its lower bound.
 *
 * @example quantileFromBuckets([0, 0, 10], 0.5) // 37.5: half of the ten values lie in (25, 50]
 */
export function quantileFromBuckets(counts: readonly number[], q: number): number | null {
  const total = counts.reduce((sum, count) => sum + count, 0);
  if (total <= 0) return null;
  const rank = Math.min(Math.max(q, 0), 1) * total;
  let seen = 0;
  for (let index = 0; index < counts.length; index++) {
    const count = counts[index] ?? 0;
    if (count <= 0) continue;
    if (seen + count >= rank) {
      const lower = index === 0 ? 0 : (DURATION_BOUNDS_MS[index - 1] ?? 0);
      const upper = DURATION_BOUNDS_MS[index] ?? Number.POSITIVE_INFINITY;
      if (!Number.isFinite(upper)) return lower;
      return lower + ((upper - lower) * (rank - seen)) / count;
    }
    seen += count;
  }
  return DURATION_BOUNDS_MS[DURATION_BOUNDS_MS.length - 2] ?? null;
}
