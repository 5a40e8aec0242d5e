import { type Stack, startStack } from './stack.ts';

let shared: Promise<Stack> | undefined;

/**
 * The stack for a test file.  The suite runner (scripts/test.ts) starts ONE stack and passes it on through
 * TEMPORAL_ADDRESS / MONGODB_URI, so every test file shares it; a test file run alone starts its own ephemeral stack
 * on free ports, stopped when the process exits.  Tests isolate themselves with their own database and task queue.
 */
export function getTestStack(): Promise<Stack> {
  if (!shared) {
    // unref: the services must not keep a finished test process alive; the exit hook (or, after a crash, the
    // watchdog around each child) stops them.
    shared = startStack({ ephemeral: true, freePorts: true, unref: true, log: () => {} });
    void shared.then((stack) => {
      if (stack.started.length > 0) process.once('exit', () => stack.killNow());
    });
  }
  return shared;
}

/** A short random suffix for per-test database names and task queues. */
export const uniqueName = (prefix: string): string => `${prefix}_${Math.random().toString(36).slice(2, 10)}`;
