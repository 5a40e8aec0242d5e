import type { ManagedProcess } from './processes.ts';

/**
 * Asks `probe` until it resolves: a service is ready when it answers, not when its process started.  Fails at once
 * when the service's own process exits (with its last log lines), and after `timeoutMs` with the probe's last error.
 */
export async function untilReady(
  options: { what: string; process?: ManagedProcess | undefined; timeoutMs?: number },
  probe: () => Promise<void>,
): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const deadline = Date.now() + timeoutMs;
  const owned = options.process;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (owned && owned.child.exitCode !== null) {
      throw new Error(`${owned.name} exited with code ${owned.child.exitCode} before it was ready:\n${owned.tail()}`);
    }
    try {
      await probe();
      return;
    } catch (error) {
      lastError = error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  throw new Error(
    `${options.what} did not become ready within ${timeoutMs / 1000} s: ${String(lastError)}${owned ? `\n${owned.tail()}` : ''}`,
  );
}
