import type { NodeError } from '@pipewright/run-contract';
import { isStepFailure } from './effects.ts';

/** What a node run produced; the scheduler records it in the state.  `ports`: the output ports it fires. */
export type NodeOutcome =
  | { ok: true; output: unknown; attempts: number; ports?: string[]; rateLimitWaitMs?: number }
  | { ok: false; error: NodeError; attempts: number };

/** An effects port's rejection as the node's failure (a `StepFailure` keeps its attempts and details). */
export function failureOutcome(error: unknown): NodeOutcome {
  if (isStepFailure(error)) {
    return {
      ok: false,
      attempts: error.attempts,
      error:
        error.details === undefined ? { message: error.message } : { message: error.message, details: error.details },
    };
  }
  return { ok: false, attempts: 1, error: { message: String(error) } };
}
