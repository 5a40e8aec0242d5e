import { errorGroupOf } from './error-group.ts';
import { bucketField, bucketOf } from './histogram.ts';
import {
  docStartOf,
  flowField,
  HOUR_RETENTION_MS,
  MINUTE_RETENTION_MS,
  type RollupGrain,
  rollupDocId,
  slotField,
  stepField,
  stepSlotField,
} from './rollup-layout.ts';
import type { RunReport, Throttled } from './run-report.ts';

/**
 * Counter names inside a slot.  Runs: `st` started, `ok` succeeded, `ko` failed, `ls` latency sum (ms), `l00…l19`
 * latency histogram, `r` step retries, `q` step attempts answered 429 (from the worker's attempts, not the reports), `w` rate-limit wait (ms), `wc` steps that waited,
 * `fs`/`fc` freshness sum (ms) and count.  Steps: `x` executions, `a` attempts, `r` retries, `f` failures, `ds`
 * duration sum (ms), `d00…d19` duration histogram, `q`, `w`, `wc` as for runs.
 */
export type RunCounterField = 'st' | 'ok' | 'ko' | 'ls' | 'r' | 'q' | 'w' | 'wc' | 'fs' | 'fc';
export type StepCounterField = 'x' | 'a' | 'r' | 'f' | 'ds' | 'q' | 'w' | 'wc';

/** One upsert: `$setOnInsert` the document's identity, `$inc` counters, `$set` step descriptions. */
export interface RollupUpdate {
  id: string;
  setOnInsert: { workspaceId: string; grain: RollupGrain; at: Date };
  inc: Record<string, number>;
  set: Record<string, unknown>;
}

/** Where flows and steps sit in their workspace's index document (undefined: not assigned yet). */
export interface RollupPositions {
  flow(workspaceId: string, flowId: string): number | undefined;
  step(workspaceId: string, flowId: string, nodeId: string): number | undefined;
}

/**
 * The flows and (flow, node) pairs the reports and throttled attempts name, per workspace: what must have positions
 * before writing.
 */
export function positionKeysOf(
  reports: readonly RunReport[],
  throttled: readonly Throttled[] = [],
): Map<string, { flows: string[]; steps: StepKey[] }> {
  const byWorkspace = new Map<string, { flows: string[]; steps: StepKey[] }>();
  const note = (workspaceId: string, flowId: string, nodeIds: readonly string[]) => {
    let keys = byWorkspace.get(workspaceId);
    if (!keys) {
      keys = { flows: [], steps: [] };
      byWorkspace.set(workspaceId, keys);
    }
    if (!keys.flows.includes(flowId)) keys.flows.push(flowId);
    for (const nodeId of nodeIds) {
      const known = keys.steps.some((key) => key.flowId === flowId && key.nodeId === nodeId);
      if (!known) keys.steps.push({ flowId, nodeId });
    }
  };
  for (const report of reports) {
    note(
      report.workspaceId,
      report.flowId,
      report.steps.map((step) => step.nodeId),
    );
  }
  for (const attempt of throttled) note(attempt.workspaceId, attempt.flowId, [attempt.nodeId]);
  return byWorkspace;
}

export interface StepKey {
  flowId: string;
  nodeId: string;
}

export interface RollupUpdates {
  runs: RollupUpdate[];
  steps: RollupUpdate[];
}

/**
 * The upserts that add `reports` (and `throttled` attempts: the 429s, `q`) to both grains of `run_rollup` and
 * `run_step_rollup`, merged per document (one update per document however many reports it counts).  Reports older
 * than a grain's retention skip that grain; reports whose flow or step has no position are skipped (the writer
 * assigns positions first).
 */
export function rollupUpdates(
  reports: readonly RunReport[],
  options: { positions: RollupPositions; connectorOf: (stepType: string) => string; now: number },
  throttled: readonly Throttled[] = [],
): RollupUpdates {
  const runs = new Map<string, RollupUpdate>();
  const steps = new Map<string, RollupUpdate>();
  for (const attempt of throttled) {
    const flow = options.positions.flow(attempt.workspaceId, attempt.flowId);
    const step = options.positions.step(attempt.workspaceId, attempt.flowId, attempt.nodeId);
    for (const grain of grainsFor(attempt.at, options.now)) {
      if (flow !== undefined) {
        const update = updateFor(runs, grain, attempt.workspaceId, attempt.at);
        const path = `${flowField(flow)}.${slotField(grain, attempt.at)}.q`;
        update.inc[path] = (update.inc[path] ?? 0) + 1;
      }
      if (step !== undefined) {
        const update = updateFor(steps, grain, attempt.workspaceId, attempt.at);
        const path = `${stepField(step)}.${stepSlotField(grain, attempt.at)}.q`;
        update.inc[path] = (update.inc[path] ?? 0) + 1;
      }
    }
  }
  for (const report of reports) {
    const flow = options.positions.flow(report.workspaceId, report.flowId);
    if (flow === undefined) continue;
    for (const grain of grainsFor(report.endedAt, options.now)) {
      const add = (at: number, field: RunCounterField | string, by: number) => {
        if (by === 0) return;
        const update = updateFor(runs, grain, report.workspaceId, at);
        const path = `${flowField(flow)}.${slotField(grain, at)}.${field}`;
        update.inc[path] = (update.inc[path] ?? 0) + by;
      };
      const ended = report.endedAt;
      add(report.startedAt, 'st', 1);
      add(ended, report.status === 'failed' ? 'ko' : 'ok', 1);
      const latency = ended - report.startedAt;
      add(ended, 'ls', latency);
      add(ended, bucketField('l', bucketOf(latency)), 1);
      add(
        ended,
        'r',
        sum(report.steps, (step) => step.retries),
      );
      add(
        ended,
        'w',
        sum(report.steps, (step) => step.rateLimitWaitMs),
      );
      add(
        ended,
        'wc',
        sum(report.steps, (step) => (step.rateLimitWaitMs > 0 ? 1 : 0)),
      );
      if (report.lastStepEndedAt !== undefined) {
        add(ended, 'fs', Math.max(0, report.lastStepEndedAt - report.triggeredAt));
        add(ended, 'fc', 1);
      }
      for (const step of report.steps) {
        const position = options.positions.step(report.workspaceId, report.flowId, step.nodeId);
        if (position === undefined) continue;
        const update = updateFor(steps, grain, report.workspaceId, ended);
        const prefix = `${stepField(position)}.${stepSlotField(grain, ended)}`;
        const counters: [StepCounterField | string, number][] = [
          ['x', 1],
          ['a', step.attempts],
          ['r', step.retries],
          ['f', step.failed ? 1 : 0],
          ['ds', step.durationMs],
          [bucketField('d', bucketOf(step.durationMs)), 1],
          ['w', step.rateLimitWaitMs],
          ['wc', step.rateLimitWaitMs > 0 ? 1 : 0],
        ];
        for (const [field, by] of counters) {
          if (by !== 0) update.inc[`${prefix}.${field}`] = (update.inc[`${prefix}.${field}`] ?? 0) + by;
        }
        update.set[`meta.${stepField(position)}`] = {
          flowId: report.flowId,
          nodeId: step.nodeId,
          stepType: step.stepType,
          connector: options.connectorOf(step.stepType),
          title: step.title,
        };
      }
    }
  }
  return { runs: [...runs.values()], steps: [...steps.values()] };
}

function grainsFor(endedAt: number, now: number): RollupGrain[] {
  const grains: RollupGrain[] = [];
  if (endedAt >= now - MINUTE_RETENTION_MS) grains.push('minute');
  if (endedAt >= now - HOUR_RETENTION_MS) grains.push('hour');
  return grains;
}

function updateFor(updates: Map<string, RollupUpdate>, grain: RollupGrain, workspaceId: string, at: number) {
  const id = rollupDocId(grain, workspaceId, at);
  let update = updates.get(id);
  if (!update) {
    update = { id, setOnInsert: { workspaceId, grain, at: new Date(docStartOf(grain, at)) }, inc: {}, set: {} };
    updates.set(id, update);
  }
  return update;
}

const sum = <T>(items: readonly T[], of: (item: T) => number) => items.reduce((total, item) => total + of(item), 0);

/** A `run_failures` document (the failed-runs queue reads them; `resolution` is added when one is dealt with). */
export interface RunFailureDocument {
  _id: string;
  workspaceId: string;
  flowId: string;
  version: number;
  trigger: string;
  startedAt: Date;
  failedAt: Date;
  nodeId: string;
  nodeType: string;
  nodeTitle: string;
  errorCode?: string;
  errorMessage: string;
  errorGroup: string;
}

/** The `run_failures` document of a failed run's report; undefined for a run that succeeded. */
export function runFailureOf(report: RunReport): RunFailureDocument | undefined {
  const failure = report.failure;
  if (report.status !== 'failed' || !failure) return undefined;
  return {
    _id: report.runId,
    workspaceId: report.workspaceId,
    flowId: report.flowId,
    version: report.version,
    trigger: report.trigger,
    startedAt: new Date(report.startedAt),
    failedAt: new Date(report.endedAt),
    nodeId: failure.nodeId,
    nodeType: failure.nodeType,
    nodeTitle: failure.nodeTitle,
    ...(failure.errorCode === undefined ? {} : { errorCode: failure.errorCode }),
    errorMessage: failure.errorMessage,
    errorGroup: errorGroupOf(report.flowId, failure.nodeId, failure.errorMessage),
  };
}

/**
 * FerretDB v1 applies an update's paths one by one over the whole document, so an update's cost grows with the
 * square of its paths (measured: 500 paths ~50 ms, 2,000 ~700 ms, 5,000 ~3-5 s).  A flush after an outage, or a
 * backfill, can merge thousands of reports into one document: its update is split into updates of at most this many
 * counters (a flush in steady state has far fewer).
 */
export const MAX_PATHS_PER_UPDATE = 400;

/** `update` as updates of at most `maxPaths` counters each; the first also carries `$setOnInsert` and `$set`. */
export function splitUpdate(update: RollupUpdate, maxPaths = MAX_PATHS_PER_UPDATE): RollupUpdate[] {
  const entries = Object.entries(update.inc);
  const size = Math.max(1, Math.floor(maxPaths));
  if (entries.length <= size) return [update];
  const parts: RollupUpdate[] = [];
  for (let i = 0; i < entries.length; i += size) {
    parts.push({
      id: update.id,
      setOnInsert: update.setOnInsert,
      inc: Object.fromEntries(entries.slice(i, i + size)),
      set: i === 0 ? update.set : {},
    });
  }
  return parts;
}
