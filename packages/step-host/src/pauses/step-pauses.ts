import { STEP_PAUSES_COLLECTION, type StepPause, stepPauseIdOf } from '@pipewright/run-contract';
import type { Db } from 'mongodb';

/** What workers read of a pause document (the server writes more: who, when, why). */
interface StepPauseKey {
  _id: string;
  workspaceId: string;
}

/** Answers "may this step run now?" before a step does any I/O. */
export interface StepPauses {
  /** The first pause that holds the step back (its connector type first, then its credentials), if any. */
  pauseOf(query: { workspaceId: string; connector: string; credentialIds: string[] }): Promise<StepPause | undefined>;
  isPaused(workspaceId: string, pause: StepPause): Promise<boolean>;
}

/**
 * Reads a workspace's pauses at most once every `cacheMs` per worker (default 3 s): a pause takes effect, and a
 * resume releases waiting steps, within that time.  A read that fails keeps the last known list (steps run on if the
 * database blinks rather than every step failing).
 */
export function createMongoStepPauses(db: Db, options: { cacheMs?: number; now?: () => number } = {}): StepPauses {
  const cacheMs = options.cacheMs ?? 3_000;
  const now = options.now ?? Date.now;
  const collection = db.collection<StepPauseKey>(STEP_PAUSES_COLLECTION);
  const cache = new Map<string, { readAt: number; keys: Promise<Set<string>> }>();

  const pausedKeys = (workspaceId: string): Promise<Set<string>> => {
    const cached = cache.get(workspaceId);
    if (cached && now() - cached.readAt < cacheMs) return cached.keys;
    const keys = collection
      .find({ workspaceId }, { projection: { _id: 1 } })
      .toArray()
      .then(
        (found) => new Set(found.map((record) => record._id)),
        (error: unknown) => {
          if (cached) return cached.keys;
          cache.delete(workspaceId);
          throw error;
        },
      );
    cache.set(workspaceId, { readAt: now(), keys });
    return keys;
  };

  return {
    async pauseOf({ workspaceId, connector, credentialIds }) {
      const keys = await pausedKeys(workspaceId);
      if (keys.size === 0) return undefined;
      const candidates: StepPause[] = [
        { kind: 'connector', id: connector },
        ...credentialIds.map((id): StepPause => ({ kind: 'credential', id })),
      ];
      return candidates.find((pause) => keys.has(stepPauseIdOf(workspaceId, pause)));
    },
    async isPaused(workspaceId, pause) {
      return (await pausedKeys(workspaceId)).has(stepPauseIdOf(workspaceId, pause));
    },
  };
}
