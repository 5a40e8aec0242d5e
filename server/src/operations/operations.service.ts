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
import type { InProgressRead } from './in-progress.ts';
import type { OperationsRepository } from './operations.repository.ts';

/** Contract violations of a workspace (or one flow) between two times. */
export type ViolationsRead = (
  workspaceId: string,
  flowId: string | undefined,
  window: { from: Date; to: Date },
) => Promise<number>;
/** Open failures of a workspace per flow id. */
export type OpenFailuresRead = (workspaceId: string) => Promise<Map<string, number>>;
/** The connector types paused in a workspace now (paused flows are read with the flows themselves). */
export type PausedConnectorsRead = (workspaceId: string) => Promise<string[]>;

export interface HealthQuery {
  window: HealthWindow;
  flowId?: string | undefined;
  connector?: string | undefined;
}

/** The health dashboards' data: a handful of rollup documents per view, never a scan of runs. */
export class OperationsService {
  readonly #repository: OperationsRepository;
  readonly #flows: FlowsRepository;
  readonly #closedRuns = new ClosedRollups();
  readonly #closedSteps = new ClosedRollups();

  readonly #openFailures: OpenFailuresRead;
  readonly #inProgress: InProgressRead | undefined;
  readonly #violations: ViolationsRead | undefined;
  readonly #pausedConnectors: PausedConnectorsRead | undefined;

  constructor(deps: {
    repository: OperationsRepository;
    flows: FlowsRepository;
    /** The failed-runs queue's size per flow (server/src/failures: counters, not a scan). */
    openFailures: OpenFailuresRead;
    /** Runs running and queued now (Temporal's visibility and the run queue). */
    inProgress?: InProgressRead;
    /** Contract violations in the window (server/src/contracts): counted on the dashboard. */
    violations?: ViolationsRead;
    /** Connector types paused now (server/src/pauses): shown on the dashboard. */
    pausedConnectors?: PausedConnectorsRead;
  }) {
    this.#repository = deps.repository;
    this.#flows = deps.flows;
    this.#openFailures = deps.openFailures;
    this.#inProgress = deps.inProgress;
    this.#violations = deps.violations;
    this.#pausedConnectors = deps.pausedConnectors;
  }

  async health(workspaceId: string, query: HealthQuery, now = Date.now()): Promise<HealthResponse> {
    const plan = windowPlan(query.window, now);
    const reads = plan.docStarts.map((start) => ({
      id: rollupDocId(plan.grain, workspaceId, start),
      endsAt: start + GRAIN[plan.grain].docMs,
    }));
    const window = { from: new Date(plan.from), to: new Date(plan.to) };
    const [index, runDocs, stepDocs, flows, openFailures, violations, pausedConnectors, inProgress] = await Promise.all(
      [
        this.#repository.index(workspaceId),
        this.#closedRuns.read(reads, now, (ids) => this.#repository.runDocs(ids)),
        this.#closedSteps.read(reads, now, (ids) => this.#repository.stepDocs(ids)),
        this.#flows.list(workspaceId),
        this.#openFailures(workspaceId),
        this.#violations?.(workspaceId, query.flowId, window) ?? 0,
        this.#pausedConnectors?.(workspaceId) ?? [],
        this.#inProgress?.(workspaceId, query.flowId) ?? { running: null, queued: 0 },
      ],
    );
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
    return {
      ...health,
      contractViolations: violations,
      paused: { flows: pausedFlows, connectors: pausedConnectors },
      inProgress,
    };
  }
}
