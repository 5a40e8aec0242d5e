/**
 * Thrown by a step's `run` to fail with a message the builder can act on.  `retryable: false` stops retries at once
 * (bad input, 4xx); `retryable: true` lets the node's retry policy try again (5xx, timeouts).
 */
export class StepError extends Error {
  readonly retryable: boolean;
  readonly details: unknown;
  /** Overrides the next retry delay (e.g. from a `Retry-After` header), clamped by the runtime. */
  readonly retryAfterMs: number | undefined;

  constructor(
    message: string,
    options: { retryable: boolean; details?: unknown; retryAfterMs?: number; cause?: unknown },
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'StepError';
    this.retryable = options.retryable;
    this.details = options.details;
    this.retryAfterMs = options.retryAfterMs;
  }
}

export const isStepError = (error: unknown): error is StepError => error instanceof StepError;
