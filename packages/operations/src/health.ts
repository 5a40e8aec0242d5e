import { type Constraint, constraintOf } from './constraint.ts';
import type { HealthWindow, WindowPlan } from './rollup-layout.ts';
import {
  addRunCounters,
  addStepCounters,
  emptyRunCounters,
  emptyStepCounters,
  type RollupDocument,
  type RunStats,
  readFlowWindow,
  readStepWindow,
  runStatsOf,
  type SeriesPoint,
  type StepCounters,
  type StepStats,
  stepDescriptionOf,
  stepStatsOf,
} from './rollup-read.ts';
import type { StepKey } from './rollup-write.ts';

/** `GET /api/operations/health`: a workspace's health over a window, per flow and per connector type. */
export interface HealthResponse {
  window: HealthWindow;
  /** ISO times: start of the oldest slot, end of the newest (the current one, partial). */
  from: string;
  to: string;
  /** Length of one series point (1 min for 1 h, 1 h for 24 h and 7 d). */
  slotMs: number;
  scope: { flowId: string | null; connector: string | null };
  /** The whole scope: every flow, or the one asked for. */
  totals: HealthStats;
  series: SeriesPoint[];
  flows: FlowHealth[];
  connectors: ConnectorHealth[];
  /** Deliveries that broke their webhook's schema in the window: counted by item 5 of issue 12 (0 until then). */
  contractViolations: number;
  /** Paused flows and connector types: filled by the kill switches (item 6 of issue 12; none until then). */
  paused: { flows: string[]; connectors: string[] };
  /**
   * Runs of the scope not finished now (the rollups count a run when it ends): running on Temporal (null when it
   * could not be asked) and waiting in the run queue.
   */
  inProgress: { running: number | null; queued: number };
}

export interface HealthStats extends RunStats {
  /** Failed runs not yet retried, re-run or dismissed (`run_failures` without `resolution`), whatever their age. */
  dlqBacklog: number;
}

export interface FlowHealth extends HealthStats {
  flowId: string;
  /** null: the flow was deleted. */
  name: string | null;
  constraint: Constraint | null;
  steps: StepHealth[];
}

export interface StepHealth extends StepStats {
  nodeId: string;
  title: string;
  stepType: string;
  connector: string;
}

export interface ConnectorHealth extends StepStats {
  connector: string;
}

export interface HealthInput {
  plan: WindowPlan;
  /** The workspace's index document (flows and steps by position); undefined: nothing reported yet. */
  index: { flows: readonly string[]; steps: readonly StepKey[] } | undefined;
  runDocs: readonly RollupDocument[];
  stepDocs: readonly RollupDocument[];
  /** The workspace's flows (for names, and to list flows without runs). */
  flows: readonly { id: string; name: string }[];
  /** Open failures per flow. */
  openFailures: ReadonlyMap<string, number>;
  filter: { flowId?: string | undefined; connector?: string | undefined };
}

/** The health view from the rollup documents read for one window (pure: the server reads, this adds up). */
export function buildHealth(input: HealthInput): HealthResponse {
  const { plan, filter } = input;
  const minutes = (plan.to - plan.from) / 60_000;
  const names = new Map(input.flows.map((flow) => [flow.id, flow.name]));
  const indexed = input.index?.flows ?? [];
  const flowIds = [...new Set([...input.flows.map((flow) => flow.id), ...indexed])].filter(
    (flowId) => filter.flowId === undefined || flowId === filter.flowId,
  );
  const connectors = new Map<string, StepCounters>();
  const totals = emptyRunCounters();
  const series = plan.slots.map((at) => ({ at, succeeded: 0, failed: 0 }));
  const flows: FlowHealth[] = [];
  for (const flowId of flowIds) {
    const position = indexed.indexOf(flowId);
    const window = position === -1 ? undefined : readFlowWindow(input.runDocs, position, plan);
    const steps = stepsOf(input, flowId);
    if (filter.connector !== undefined && !steps.some((step) => step.health.connector === filter.connector)) continue;
    if (!names.has(flowId) && (window === undefined || window.total.succeeded + window.total.failed === 0)) continue;
    const counters = window?.total ?? emptyRunCounters();
    addRunCounters(totals, counters);
    window?.series.forEach((point, i) => {
      const sum = series[i];
      if (sum) {
        sum.succeeded += point.succeeded;
        sum.failed += point.failed;
      }
    });
    for (const step of steps) {
      const connector = connectors.get(step.health.connector) ?? emptyStepCounters();
      connectors.set(step.health.connector, connector);
      addStepCounters(connector, step.counters);
    }
    const stepHealth = steps.map((step) => step.health);
    flows.push({
      flowId,
      name: names.get(flowId) ?? null,
      ...runStatsOf(counters, minutes),
      dlqBacklog: input.openFailures.get(flowId) ?? 0,
      constraint: constraintOf(
        stepHealth.map(({ nodeId, title, stepType, failures, p95Ms }) => ({
          nodeId,
          title,
          stepType,
          failures,
          p95Ms,
        })),
      ),
      steps: stepHealth,
    });
  }
  flows.sort((a, b) => b.runs - a.runs || (a.name ?? a.flowId).localeCompare(b.name ?? b.flowId));
  return {
    window: plan.window,
    from: new Date(plan.from).toISOString(),
    to: new Date(plan.to).toISOString(),
    slotMs: plan.slotMs,
    scope: { flowId: filter.flowId ?? null, connector: filter.connector ?? null },
    totals: { ...runStatsOf(totals, minutes), dlqBacklog: flows.reduce((sum, flow) => sum + flow.dlqBacklog, 0) },
    series,
    flows,
    connectors: [...connectors]
      .filter(([connector]) => filter.connector === undefined || connector === filter.connector)
      .map(([connector, counters]) => ({ connector, ...stepStatsOf(counters) }))
      .sort((a, b) => b.attempts - a.attempts || a.connector.localeCompare(b.connector)),
    contractViolations: 0,
    paused: { flows: [], connectors: [] },
    inProgress: { running: null, queued: 0 },
  };
}

/** A flow's steps seen in the window, in the order they were first reported. */
function stepsOf(input: HealthInput, flowId: string): { health: StepHealth; counters: StepCounters }[] {
  const found: { health: StepHealth; counters: StepCounters }[] = [];
  (input.index?.steps ?? []).forEach((key, position) => {
    if (key.flowId !== flowId) return;
    const counters = readStepWindow(input.stepDocs, position, input.plan);
    if (counters.executions === 0) return;
    const description = stepDescriptionOf(input.stepDocs, position);
    found.push({
      counters,
      health: {
        nodeId: key.nodeId,
        title: description?.title || key.nodeId,
        stepType: description?.stepType ?? '',
        connector: description?.connector ?? 'package',
        ...stepStatsOf(counters),
      },
    });
  });
  return found;
}
