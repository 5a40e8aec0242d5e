/**
 * Failed sign-ins per e-mail: after `maxFailures` within `windowMs` the address is refused (429 with Retry-After)
 * until the window passes.  In memory, per server instance — several instances each count on their own, which
 * multiplies the allowance by the instance count; a shared store (MongoDB) is the upgrade when that matters.
 */
export class LoginLimiter {
  readonly #failures = new Map<string, { count: number; since: number }>();
  readonly #maxFailures: number;
  readonly #windowMs: number;
  readonly #maxEntries = 10_000;

  constructor(options: { maxFailures?: number; windowMs?: number } = {}) {
    this.#maxFailures = options.maxFailures ?? 5;
    this.#windowMs = options.windowMs ?? 15 * 60_000;
  }

  /** Seconds until the address may try again; 0 when it may now. */
  lockedFor(email: string, now = Date.now()): number {
    const entry = this.#failures.get(email);
    if (entry === undefined) return 0;
    if (now - entry.since >= this.#windowMs) {
      this.#failures.delete(email);
      return 0;
    }
    return entry.count < this.#maxFailures ? 0 : Math.ceil((entry.since + this.#windowMs - now) / 1000);
  }

  fail(email: string, now = Date.now()): void {
    const entry = this.#failures.get(email);
    if (entry === undefined || now - entry.since >= this.#windowMs) {
      if (this.#failures.size >= this.#maxEntries) this.#evictOldest();
      this.#failures.set(email, { count: 1, since: now });
    } else entry.count += 1;
  }

  succeed(email: string): void {
    this.#failures.delete(email);
  }

  #evictOldest(): void {
    const oldest = this.#failures.keys().next();
    if (oldest.done !== true) this.#failures.delete(oldest.value);
  }
}
