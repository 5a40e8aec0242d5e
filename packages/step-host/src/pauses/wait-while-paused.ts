import type { WaitWhilePausedInput, WaitWhilePausedResult } from '@pipewright/run-contract';
import { Context } from '@temporalio/activity';
import type { StepPauses } from './step-pauses.ts';

/** How long a worker that cannot read pauses waits before the step is tried again. */
const BLIND_WAIT_MS = 30_000;

export type WaitWhilePausedFn = (input: WaitWhilePausedInput) => Promise<WaitWhilePausedResult>;

/**
 * The `waitWhileStepPaused` activity: looks at the pause every `pollMs` (through the worker's cached pause list) and
 * returns when it is gone, or `stillPaused` after `maxWaitMs` so the workflow calls it again.  One long activity
 * instead of a timer per check: a pause of days adds a handful of history events an hour, not thousands.  It
 * heartbeats, so a worker that dies is replaced within the heartbeat timeout, and a cancelled run stops it.
 */
export function createWaitWhilePaused(
  pauses: StepPauses | undefined,
  options: { pollMs?: number; maxWaitMs?: number } = {},
): WaitWhilePausedFn {
  const pollMs = options.pollMs ?? 1_000;
  const maxWaitMs = options.maxWaitMs ?? 30 * 60_000;
  return async ({ workspaceId, pause }) => {
    const context = Context.current();
    const startedAt = Date.now();
    // A worker that cannot read pauses (no database), where a step worker that can refused the step, takes the
    // pause as lifted after a while rather than at once, so the two never spin.
    const isPaused = (): Promise<boolean> =>
      pauses ? pauses.isPaused(workspaceId, pause) : Promise.resolve(Date.now() - startedAt < BLIND_WAIT_MS);
    for (;;) {
      if (!(await isPaused())) return 'resumed';
      if (Date.now() - startedAt >= maxWaitMs) return 'stillPaused';
      context.heartbeat();
      await context.sleep(pollMs);
    }
  };
}
