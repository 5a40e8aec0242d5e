import assert from 'node:assert/strict';

// Deadlines for the integration tests' waits (server, worker, connectors): a regression fails naming what it waited
// for instead of hanging the suite.

/** What a wait is for, in its failure message: a text, or a function (called on failure, so it can show the last value). */
export type WaitDescription = string | (() => string);

const describeWait = (what: WaitDescription): string => (typeof what === 'function' ? what() : what);

/**
 * Asks `probe` every `intervalMs` until it returns something other than `undefined`, and returns that.  For states
 * only visible by asking (a query, a describe, a listing); fails after `timeoutMs` naming what it waited for.
 */
export async function waitFor<T>(
  what: WaitDescription,
  probe: () => Promise<T | undefined> | T | undefined,
  options: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 20_000;
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (performance.now() > deadline) {
      assert.fail(`timed out after ${timeoutMs / 1000} s waiting for ${describeWait(what)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 50));
  }
}

/** Awaits an event (a promise) for at most `timeoutMs`; past it, fails naming what it waited for. */
export async function within<T>(what: WaitDescription, event: Promise<T>, timeoutMs = 20_000): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new assert.AssertionError({
            message: `timed out after ${timeoutMs / 1000} s waiting for ${describeWait(what)}`,
          }),
        ),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([event, expired]);
  } finally {
    clearTimeout(timer);
  }
}
