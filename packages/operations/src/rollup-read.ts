import { BUCKET_COUNT, bucketField, quantileFromBuckets } from './histogram.ts';
import {
  docStartOf,
  flowField,
  slotField,
  stepField,
  stepSlotField,
  stepSlotsOf,
  type WindowPlan,
} from './rollup-layout.ts';

/** A rollup document as read back: counters under position fields (see rollup-layout.ts). */
export type RollupDocument = { _id: string } & Record<string, unknown>;

export interface RunCounters {
  started: number;
  succeeded: number;
  failed: number;
  latencyBuckets: number[];
  latencySumMs: number;
  retries: number;
  tooManyRequests: number;
  rateLimitWaitMs: number;
  rateLimitWaits: number;
  freshnessSumMs: number;
  freshnessCount: number;
}

export interface StepCounters {
  executions: number;
  attempts: number;
  retries: number;
  failures: number;
  durationBuckets: number[];
  durationSumMs: number;
  tooManyRequests: number;
  rateLimitWaitMs: number;
  rateLimitWaits: number;
}

export interface SeriesPoint {
  /** Slot start, epoch ms. */
  at: number;
  succeeded: number;
  failed: number;
}

export const emptyRunCounters = (): RunCounters => ({
  started: 0,
  succeeded: 0,
  failed: 0,
  latencyBuckets: new Array<number>(BUCKET_COUNT).fill(0),
  latencySumMs: 0,
  retries: 0,
  tooManyRequests: 0,
  rateLimitWaitMs: 0,
  rateLimitWaits: 0,
  freshnessSumMs: 0,
  freshnessCount: 0,
});

export const emptyStepCounters = (): StepCounters => ({
  executions: 0,
  attempts: 0,
  retries: 0,
  failures: 0,
  durationBuckets: new Array<number>(BUCKET_COUNT).fill(0),
  durationSumMs: 0,
  tooManyRequests: 0,
  rateLimitWaitMs: 0,
  rateLimitWaits: 0,
});

/**
 * The slots of one flow (`flowField`, the window's slots) or step (`stepField`, the step slots overlapping the
 * window), each with its counters object.
 */
function slotsOf(
  docs: readonly RollupDocument[],
  field: string,
  plan: WindowPlan,
  kind: 'run' | 'step',
): [number, Record<string, unknown>][] {
  const byStart = new Map<number, RollupDocument>();
  for (const doc of docs) {
    const at = doc.at instanceof Date ? doc.at.getTime() : undefined;
    if (at !== undefined) byStart.set(at, doc);
  }
  const found: [number, Record<string, unknown>][] = [];
  for (const slot of kind === 'run' ? plan.slots : stepSlotsOf(plan)) {
    const owner = objectAt(byStart.get(docStartOf(plan.grain, slot)), field);
    const name = kind === 'run' ? slotField(plan.grain, slot) : stepSlotField(plan.grain, slot);
    const counters = objectAt(owner, name);
    if (counters) found.push([slot, counters]);
  }
  return found;
}

/** One flow's counters over the window, and its series (a point per slot, zeros included). */
export function readFlowWindow(
  docs: readonly RollupDocument[],
  position: number,
  plan: WindowPlan,
): { total: RunCounters; series: SeriesPoint[] } {
  const total = emptyRunCounters();
  const bySlot = new Map<number, SeriesPoint>();
  for (const [slot, c] of slotsOf(docs, flowField(position), plan, 'run')) {
    total.started += num(c.st);
    total.succeeded += num(c.ok);
    total.failed += num(c.ko);
    total.latencySumMs += num(c.ls);
    total.retries += num(c.r);
    total.tooManyRequests += num(c.q);
    total.rateLimitWaitMs += num(c.w);
    total.rateLimitWaits += num(c.wc);
    total.freshnessSumMs += num(c.fs);
    total.freshnessCount += num(c.fc);
    for (let i = 0; i < BUCKET_COUNT; i++)
      total.latencyBuckets[i] = (total.latencyBuckets[i] ?? 0) + num(c[bucketField('l', i)]);
    bySlot.set(slot, { at: slot, succeeded: num(c.ok), failed: num(c.ko) });
  }
  const series = plan.slots.map((at) => bySlot.get(at) ?? { at, succeeded: 0, failed: 0 });
  return { total, series };
}

/** One step's counters over the window. */
export function readStepWindow(docs: readonly RollupDocument[], position: number, plan: WindowPlan): StepCounters {
  const total = emptyStepCounters();
  for (const [, c] of slotsOf(docs, stepField(position), plan, 'step')) addStepSlot(total, c);
  return total;
}

function addStepSlot(total: StepCounters, c: Record<string, unknown>): void {
  total.executions += num(c.x);
  total.attempts += num(c.a);
  total.retries += num(c.r);
  total.failures += num(c.f);
  total.durationSumMs += num(c.ds);
  total.tooManyRequests += num(c.q);
  total.rateLimitWaitMs += num(c.w);
  total.rateLimitWaits += num(c.wc);
  for (let i = 0; i < BUCKET_COUNT; i++)
    total.durationBuckets[i] = (total.durationBuckets[i] ?? 0) + num(c[bucketField('d', i)]);
}

export interface StepDescription {
  flowId: string;
  nodeId: string;
  stepType: string;
  connector: string;
  title: string;
}

/** The newest description of the step at `position` among the documents read (the newest document wins). */
export function stepDescriptionOf(docs: readonly RollupDocument[], position: number): StepDescription | undefined {
  let found: StepDescription | undefined;
  let foundAt = Number.NEGATIVE_INFINITY;
  for (const doc of docs) {
    const meta = objectAt(objectAt(doc, 'meta'), stepField(position));
    const at = doc.at instanceof Date ? doc.at.getTime() : 0;
    if (meta && at >= foundAt && typeof meta.flowId === 'string' && typeof meta.nodeId === 'string') {
      found = {
        flowId: meta.flowId,
        nodeId: meta.nodeId,
        stepType: str(meta.stepType),
        connector: str(meta.connector) || 'package',
        title: str(meta.title),
      };
      foundAt = at;
    }
  }
  return found;
}

export function addRunCounters(into: RunCounters, from: RunCounters): void {
  for (const key of Object.keys(from) as (keyof RunCounters)[]) {
    if (key === 'latencyBuckets') continue;
    into[key] += from[key];
  }
  from.latencyBuckets.forEach((count, i) => {
    into.latencyBuckets[i] = (into.latencyBuckets[i] ?? 0) + count;
  });
}

export function addStepCounters(into: StepCounters, from: StepCounters): void {
  for (const key of Object.keys(from) as (keyof StepCounters)[]) {
    if (key === 'durationBuckets') continue;
    into[key] += from[key];
  }
  from.durationBuckets.forEach((count, i) => {
    into.durationBuckets[i] = (into.durationBuckets[i] ?? 0) + count;
  });
}

export interface RunStats {
  runs: number;
  succeeded: number;
  failed: number;
  /** succeeded / finished runs; null without runs. */
  successRate: number | null;
  p50Ms: number | null;
  p95Ms: number | null;
  runsPerMinute: number;
  retries: number;
  tooManyRequests: number;
  rateLimitWaits: number;
  rateLimitWaitMs: number;
  /** Mean lag from the run's start (standing in for the trigger event) to its last step's end; null without data. */
  freshnessMs: number | null;
}

export function runStatsOf(counters: RunCounters, windowMinutes: number): RunStats {
  const runs = counters.succeeded + counters.failed;
  return {
    runs,
    succeeded: counters.succeeded,
    failed: counters.failed,
    successRate: runs === 0 ? null : counters.succeeded / runs,
    p50Ms: rounded(quantileFromBuckets(counters.latencyBuckets, 0.5)),
    p95Ms: rounded(quantileFromBuckets(counters.latencyBuckets, 0.95)),
    runsPerMinute: windowMinutes > 0 ? runs / windowMinutes : 0,
    retries: counters.retries,
    tooManyRequests: counters.tooManyRequests,
    rateLimitWaits: counters.rateLimitWaits,
    rateLimitWaitMs: counters.rateLimitWaitMs,
    freshnessMs: counters.freshnessCount === 0 ? null : Math.round(counters.freshnessSumMs / counters.freshnessCount),
  };
}

export interface StepStats {
  executions: number;
  attempts: number;
  retries: number;
  failures: number;
  p50Ms: number | null;
  p95Ms: number | null;
  tooManyRequests: number;
  rateLimitWaits: number;
  rateLimitWaitMs: number;
}

export function stepStatsOf(counters: StepCounters): StepStats {
  return {
    executions: counters.executions,
    attempts: counters.attempts,
    retries: counters.retries,
    failures: counters.failures,
    p50Ms: rounded(quantileFromBuckets(counters.durationBuckets, 0.5)),
    p95Ms: rounded(quantileFromBuckets(counters.durationBuckets, 0.95)),
    tooManyRequests: counters.tooManyRequests,
    rateLimitWaits: counters.rateLimitWaits,
    rateLimitWaitMs: counters.rateLimitWaitMs,
  };
}

const rounded = (value: number | null) => (value === null ? null : Math.round(value));
const num = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? value : 0);
const str = (value: unknown): string => (typeof value === 'string' ? value : '');

function objectAt(value: unknown, key: string): Record<string, unknown> | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const inner: unknown = Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined;
  return typeof inner === 'object' && inner !== null ? (inner as Record<string, unknown>) : undefined;
}
