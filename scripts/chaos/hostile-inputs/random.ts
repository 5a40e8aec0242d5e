/**
 * The drill's randomness.  Every case draws from its own generator, seeded from the run's seed and the case's index,
 * so case i is the same on every machine and in every run with that seed, whatever order the lanes send it in: a
 * broken case can be sent again alone (`CHAOS_SEED=<seed>`).
 */

export type Random = () => number;

/** mulberry32: small, fast, and the same sequence on every machine. */
function seeded(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** The generator of case `index`: it depends only on the seed and the index. */
export const caseRandom = (seed: number, index: number): Random => seeded(seed ^ Math.imul(index + 1, 0x9e3779b1));

export function pick<T>(random: Random, items: readonly T[]): T {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
}

/** An integer from 0 to n - 1. */
export const below = (random: Random, n: number): number => Math.floor(random() * n);

/** `CHAOS_SEED` when given, a new seed otherwise (printed with the figures, so the run can be repeated). */
export function seedFromEnv(): number {
  const given = process.env.CHAOS_SEED;
  if (given === undefined || given === '') return Math.floor(Math.random() * 2 ** 31);
  const seed = Number(given);
  if (!Number.isSafeInteger(seed)) throw new Error(`CHAOS_SEED must be an integer, not "${given}"`);
  return seed;
}
