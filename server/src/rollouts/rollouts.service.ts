import { ROLLOUT_RUNS_COMPARED, type RolloutView } from '@pipewright/api-contract';
import type { Client } from '@temporalio/client';
import type { FlowsService } from '../flows/flows.service.ts';
import { visibilityQuery } from '../runs/runs-query.ts';
import { type RunTiming, versionStats } from './rollout-stats.ts';

/** A comparison that takes longer answers 503 (errors.ts): the client's own retries would hold it a minute. */
const READ_DEADLINE_MS = 5_000;
const PAGE = 500;

interface Timestamp {
  seconds?: { toString(): string } | number | null;
  nanos?: number | null;
}
const toMs = (at: Timestamp | null | undefined): number | null =>
  at?.seconds === undefined || at.seconds === null
    ? null
    : Number(at.seconds.toString()) * 1000 + Math.floor((at.nanos ?? 0) / 1e6);

/**
 * A rollout compared (docs/adr/017): each version's runs since the rollout started, from Temporal's visibility store
 * (the newest `ROLLOUT_RUNS_COMPARED` of each), so the numbers are what the runs list and the dashboards count.
 */
export class RolloutsService {
  readonly #flows: FlowsService;
  readonly #client: Client;

  constructor(deps: { flows: FlowsService; temporal: Client }) {
    this.#flows = deps.flows;
    this.#client = deps.temporal;
  }

  async view(workspaceId: string, flowId: string): Promise<RolloutView | null> {
    const flow = await this.#flows.getRecord(workspaceId, flowId);
    const { rollout } = flow;
    if (!rollout || flow.latestVersion === null) return null;
    const from = rollout.startedAt.toISOString();
    const [stable, candidate] = await Promise.all(
      [flow.latestVersion, rollout.version].map(async (version) =>
        versionStats(version, await this.#timings(workspaceId, flowId, version, from)),
      ),
    );
    if (!stable || !candidate) return null;
    return { stable, candidate, percent: rollout.percent, startedAt: from, startedBy: rollout.startedBy };
  }

  async #timings(workspaceId: string, flowId: string, version: number, from: string): Promise<RunTiming[]> {
    const query = visibilityQuery(workspaceId, { flowId, version, from, limit: PAGE });
    const timings: RunTiming[] = [];
    let token: Uint8Array | undefined;
    do {
      const response = await this.#client.connection.withDeadline(Date.now() + READ_DEADLINE_MS, () =>
        this.#client.workflowService.listWorkflowExecutions({
          namespace: this.#client.options.namespace,
          query: query ?? '',
          pageSize: PAGE,
          ...(token ? { nextPageToken: token } : {}),
        }),
      );
      for (const execution of response.executions ?? []) {
        timings.push({
          status: Number(execution.status),
          startedMs: toMs(execution.startTime),
          closedMs: toMs(execution.closeTime),
        });
      }
      token = response.nextPageToken && response.nextPageToken.length > 0 ? response.nextPageToken : undefined;
    } while (token && timings.length < ROLLOUT_RUNS_COMPARED);
    return timings.slice(0, ROLLOUT_RUNS_COMPARED);
  }
}
