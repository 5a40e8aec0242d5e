import {
  buildHealth,
  GRAIN,
  type HealthResponse,
  type HealthWindow,
  rollupDocId,
  windowPlan,
} from '@pipewright/operations';
import type { FlowsRepository } from '../flows/flows.repository.ts';
import { ClosedRollups } from './closed-rollups.ts';
import type { OperationsRepository } from './operations.repository.ts';

/** Contract violations of a workspace (or one flow) between two times. */
export type ViolationsRead = (
  workspaceId: string,
  flowId: string | undefined,
  window: { from: Date; to: Date },
) => Promise<number>;
/** The connector types paused in a workspace now (paused flows are read with the flows themselves). */
export type PausedConnectorsRead = (workspaceId: string) => Promise<string[]>;

export interface HealthQuery {
  window: HealthWindow;
  flowId?: string | undefined;
  connector?: string | undefined;
}

/**
 * How long a workspace's open-failure counts are served without being read again.  They come from a scan of
 * `run_failures` on FerretDB (measured: ~600 ms for 6,000 failures on a busy machine, more than all rollup reads of a
 * view together), so a view answers with the last counts and, once they are this old, reads them again in the
 * background: the backlog may lag by about this much.  MongoDB answers the same query from its index.
 */
export const BACKLOG_FRESH_MS = 5_000;

/** The health dashboards' data: a handful of rollup documents per view, never a scan of runs. */
export class OperationsService {
  readonly #repository: OperationsRepository;
  readonly #flows: FlowsRepository;
  readonly #backlogs = new Map<string, { readAt: number; counts: Promise<Map<string, number>> }>();
  readonly #closedRuns = new ClosedRollups();
  readonly #closedSteps = new ClosedRollups();

  readonly #violations: ViolationsRead | undefined;
  readonly #pausedConnectors: PausedConnectorsRead | undefined;

  constructor(deps: {
    repository: OperationsRepository;
    flows: FlowsRepository;
    /** Contract violations in the window (server/src/contracts): counted on the dashboard. */
    violations?: ViolationsRead;
    /** Connector types paused now (server/src/pauses): shown on the dashboard. */
    pausedConnectors?: PausedConnectorsRead;
  }) {
    this.#repository = deps.repository;
    this.#flows = deps.flows;
    this.#violations = deps.violations;
    this.#pausedConnectors = deps.pausedConnectors;
  }

  /** Open failures per flow: read once, then served while fresh, and refreshed in the background once stale. */
  #openFailures(workspaceId: string, now: number): Promise<Map<string, number>> {
    const cached = this.#backlogs.get(workspaceId);
    if (cached && now - cached.readAt < BACKLOG_FRESH_MS) return cached.counts;
    const reading = this.#repository.openFailuresPerFlow(workspaceId);
    if (!cached) {
      this.#backlogs.set(workspaceId, { readAt: now, counts: reading });
      reading.catch(() => this.#backlogs.delete(workspaceId));
      return reading;
    }
    // Stale: answer with the last counts now; the fresh ones replace them when read (a failed read keeps them).
    cached.readAt = now;
    reading.then(
      (counts) => this.#backlogs.set(workspaceId, { readAt: now, counts: Promise.resolve(counts) }),
      () => {},
    );
    return cached.counts;
  }

  async health(workspaceId: string, query: HealthQuery, now = Date.now()): Promise<HealthResponse> {
    const plan = windowPlan(query.window, now);
    const reads = plan.docStarts.map((start) => ({
      id: rollupDocId(plan.grain, workspaceId, start),
      endsAt: start + GRAIN[plan.grain].docMs,
    }));
    const window = { from: new Date(plan.from), to: new Date(plan.to) };
    const [index, runDocs, stepDocs, flows, openFailures, violations, pausedConnectors] = await Promise.all([
      this.#repository.index(workspaceId),
      this.#closedRuns.read(reads, now, (ids) => this.#repository.runDocs(ids)),
      this.#closedSteps.read(reads, now, (ids) => this.#repository.stepDocs(ids)),
      this.#flows.list(workspaceId),
      this.#openFailures(workspaceId, now),
      this.#violations?.(workspaceId, query.flowId, window) ?? 0,
      this.#pausedConnectors?.(workspaceId) ?? [],
    ]);
    const health = buildHealth({
      plan,
      index,
      runDocs,
      stepDocs,
      flows: flows.map((flow) => ({ id: flow._id, name: flow.name })),
      openFailures,
      filter: { flowId: query.flowId, connector: query.connector },
    });
    const pausedFlows = flows.filter((flow) => flow.paused !== undefined).map((flow) => flow._id);
    return { ...health, contractViolations: violations, paused: { flows: pausedFlows, connectors: pausedConnectors } };
  }
}
