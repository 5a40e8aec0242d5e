import type { LoopChunkRequest, LoopChunkResult, RunEffects } from './effects.ts';
import { createInitialState, executePlan } from './execute-plan.ts';
import { runLoopIterations } from './loop.ts';

/**
 * Runs one slice of a loop's iterations inline: what the worker's `runLoopChunk` child workflow does with the
 * request `effects.runLoopChunk` received.
 *
 * @example
 * const result = await runLoopChunk(request, effects); // { results, stopped, error? }
 */
export function runLoopChunk(request: LoopChunkRequest, effects: RunEffects): Promise<LoopChunkResult> {
  return runLoopIterations(request, effects, (body, bodyEffects) =>
    executePlan(body, bodyEffects, createInitialState(body.plan, bodyEffects.now())),
  );
}
