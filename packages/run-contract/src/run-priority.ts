import type { RunKind } from './run-flow.ts';

/**
 * Lanes and fair shares (docs/adr/027-lanes-and-fair-shares.md).  Every run carries a Temporal Priority: its lane as
 * the priority key (a lower key is dispatched first) and its workspace as the fairness key, weighted by the
 * workspace's weight.  Under a backlog the task queue then serves lanes in order and, within a lane, each workspace
 * in proportion to its weight — one workspace's flood no longer holds every other workspace's runs behind it.  No zod
 * and no I/O here: workflow code imports this package.
 */

/**
 * - `interactive`: a person is waiting — the editor's Run and Test step, one run retried or re-run by hand;
 * - `events`: webhooks, broker messages, polls;
 * - `background`: schedules and bulk re-runs from the failed-runs queue.
 */
export type RunLane = 'interactive' | 'events' | 'background';

export const RUN_LANES: readonly RunLane[] = ['interactive', 'events', 'background'];

/**
 * Temporal's priority keys: 1 first … 5 last (the server's default of five levels; a task without one counts as 3).
 * A flow set to "batch" moves one key down, so a batch flow's webhooks share the schedules' lane and its schedules
 * come after everything else.
 */
export const LANE_PRIORITY_KEY: Record<RunLane, number> = { interactive: 1, events: 2, background: 3 };
const BATCH_STEP = 1;

/** A workspace's weight when its admin set none: every workspace gets an equal share. */
export const DEFAULT_FAIRNESS_WEIGHT = 1;
/** Temporal clamps weights to this range; a setting outside it is refused rather than changed. */
export const MIN_FAIRNESS_WEIGHT = 0.001;
export const MAX_FAIRNESS_WEIGHT = 1000;

/** The lane a run goes in when its starter says nothing else: by what started it. */
export function laneOfKind(kind: RunKind): RunLane {
  switch (kind) {
    case 'manual':
      return 'interactive';
    case 'schedule':
      return 'background';
    default:
      // Sub-flows and error handlers inherit their parent's priority on Temporal; this is for their own record.
      return 'events';
  }
}

/** Temporal's Priority, as a run's start carries it (the shape of `@temporalio/common`'s `Priority`). */
export interface RunPriority {
  priorityKey: number;
  fairnessKey: string;
  fairnessWeight: number;
}

/** The Priority a run starts with; undefined when lanes and fair shares are turned off (first in, first out). */
export function runPriority(input: {
  workspaceId: string;
  lane: RunLane;
  /** The flow's setting "batch": one lane down. */
  batch?: boolean | undefined;
  weight?: number | undefined;
  enabled: boolean;
}): RunPriority | undefined {
  if (!input.enabled) return undefined;
  return {
    priorityKey: LANE_PRIORITY_KEY[input.lane] + (input.batch === true ? BATCH_STEP : 0),
    fairnessKey: input.workspaceId,
    fairnessWeight: input.weight ?? DEFAULT_FAIRNESS_WEIGHT,
  };
}

/**
 * Where a workspace's weight is kept (one document per workspace, `_id` = its id): written by the server, read by the
 * server's run starts and by workers' trigger starts, each cached a few seconds.
 */
export const FAIRNESS_COLLECTION = 'workspace_fairness';

export interface FairnessRecord {
  _id: string;
  weight: number;
  /**
   * The workspace's own ceiling of runs waiting to start (admission control, docs/adr/027): it may only lower the
   * instance's (`PIPEWRIGHT_MAX_WAITING_RUNS_PER_WORKSPACE`).  Absent: the instance's.
   */
  maxWaitingRuns?: number;
  updatedAt: Date;
  updatedBy: string;
}

/**
 * A workspace's weight as starts read it: at most one load per workspace every `cacheMs` (default 3 s), so a change
 * applies to runs started within a few seconds; a load that fails keeps the last known weight, and without one the
 * default (runs start on at an equal share if the database blinks).  `load` is the adapter's read of
 * FAIRNESS_COLLECTION: this holds no I/O of its own.
 */
export function cachedWorkspaceWeights(
  load: (workspaceId: string) => Promise<number | undefined>,
  options: { cacheMs?: number; now: () => number },
): (workspaceId: string) => Promise<number> {
  return cachedPerWorkspace(load, { ...options, fallback: DEFAULT_FAIRNESS_WEIGHT });
}

/**
 * One value a workspace, read at most once every `cacheMs` (default 3 s); a load that fails keeps the last known
 * value, and without one `fallback` — as `cachedWorkspaceWeights`, for any setting of FAIRNESS_COLLECTION.
 */
export function cachedPerWorkspace<T>(
  load: (workspaceId: string) => Promise<T | undefined>,
  options: { cacheMs?: number; now: () => number; fallback: T },
): (workspaceId: string) => Promise<T> {
  const cacheMs = options.cacheMs ?? 3_000;
  const { now, fallback } = options;
  const cache = new Map<string, { readAt: number; value: Promise<T> }>();
  return (workspaceId) => {
    const cached = cache.get(workspaceId);
    if (cached && now() - cached.readAt < cacheMs) return cached.value;
    const value = load(workspaceId).then(
      (loaded) => loaded ?? fallback,
      () => cached?.value ?? fallback,
    );
    cache.set(workspaceId, { readAt: now(), value });
    return value;
  };
}
