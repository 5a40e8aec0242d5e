import { createHash } from 'node:crypto';
import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';

/**
 * Failed sign-ins per e-mail: after `maxFailures` within `windowMs` (counted from the first failure) the address is
 * refused (429 with Retry-After) until the window passes; a successful sign-in clears the count.  Counted by
 * rate-limiter-flexible in Redis when the server has one (PIPEWRIGHT_REDIS_URL), so every server instance behind a
 * proxy shares one count per address; else in this process (one server: the embedded default).  In memory, each
 * address costs an entry until its window passes; a sign-in costs a password hash, which bounds how fast an attacker
 * can add them.
 */
export class LoginLimiter {
  readonly #limiter: RateLimiterAbstract;
  readonly #maxFailures: number;

  constructor(options: { maxFailures?: number; windowMs?: number; redis?: unknown; keyPrefix?: string } = {}) {
    this.#maxFailures = options.maxFailures ?? 5;
    const window = {
      points: this.#maxFailures,
      duration: Math.max(1, Math.round((options.windowMs ?? 15 * 60_000) / 1000)),
      keyPrefix: options.keyPrefix ?? 'pw:login',
    };
    this.#limiter = options.redis
      ? new RateLimiterRedis({
          ...window,
          storeClient: options.redis,
          useRedisPackage: true,
          rejectIfRedisNotReady: true,
          insuranceLimiter: new RateLimiterMemory(window),
        })
      : new RateLimiterMemory(window);
  }

  /** Seconds until the address may try again; 0 when it may now. */
  async lockedFor(email: string): Promise<number> {
    const counted = await this.#limiter.get(keyOf(email));
    if (counted === null || counted.consumedPoints < this.#maxFailures) return 0;
    return Math.max(1, Math.ceil(counted.msBeforeNext / 1000));
  }

  async fail(email: string): Promise<void> {
    // penalty(): counts without refusing (the refusal is lockedFor's, before the password is even checked).
    await this.#limiter.penalty(keyOf(email), 1);
  }

  async succeed(email: string): Promise<void> {
    await this.#limiter.delete(keyOf(email));
  }
}

/** E-mails compare without case, as sign-in does; the key is a hash, not the address (Redis is shared infrastructure). */
const keyOf = (email: string): string => createHash('sha256').update(email.trim().toLowerCase()).digest('base64url');
