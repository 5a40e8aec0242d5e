import {
  CONNECTOR_KEY_PATTERN,
  MAX_RATE_LIMIT_COUNT,
  MAX_RATE_LIMIT_ENTRIES,
  RATE_LIMIT_PERIODS,
  type RateLimit,
} from '@pipewright/run-contract/rate-limits';
import { z } from 'zod';
import type { Equal } from './type-equal.ts';

export const rateLimitSchema = z
  .object({
    count: z.number().int('must be a whole number').min(1, 'must allow at least 1 call').max(MAX_RATE_LIMIT_COUNT),
    per: z.enum(RATE_LIMIT_PERIODS),
  })
  .strict();

/** Limits by connector type (`http`, `postgres`…) or `*` for every other. */
export const rateLimitsSchema = z
  .record(
    z.string().regex(CONNECTOR_KEY_PATTERN, 'must be * or a connector type (letters, digits, _ and -)'),
    rateLimitSchema,
  )
  .refine(
    (limits) => Object.keys(limits).length <= MAX_RATE_LIMIT_ENTRIES,
    `at most ${MAX_RATE_LIMIT_ENTRIES} entries`,
  );

/**
 * `PUT /rate-limits`: the workspace's own limits, replacing what was set; `{}` clears them (the workers' settings,
 * PIPEWRIGHT_RATE_LIMITS, apply again).  Keys are connector types (`http`, `postgres`…) or `*` for every other.
 */
export const putRateLimitsBody = z.object({ limits: rateLimitsSchema }).strict();
export type PutRateLimitsBody = z.infer<typeof putRateLimitsBody>;

/** One stored limit as the API answers it (run-contract's `RateLimit`, pinned below). */
export const rateLimitViewSchema = z.object({
  count: z.number().int(),
  per: z.enum(RATE_LIMIT_PERIODS),
});
const _rateLimitMatches: Equal<z.infer<typeof rateLimitViewSchema>, RateLimit> = true;

/** `GET /rate-limits`: what the workspace set, and who changed it last (null while it never set any). */
export const rateLimitsViewSchema = z.object({
  limits: z.record(z.string(), rateLimitViewSchema),
  updatedAt: z.string().nullable(),
  updatedBy: z.string().nullable(),
});
export type RateLimitsView = z.infer<typeof rateLimitsViewSchema>;

export {
  ANY_CONNECTOR,
  CONNECTOR_KEY_PATTERN,
  MAX_RATE_LIMIT_COUNT,
  RATE_LIMIT_PERIODS,
  type RateLimit,
  type RateLimitPeriod,
} from '@pipewright/run-contract/rate-limits';
