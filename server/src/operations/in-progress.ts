import type { Client } from '@temporalio/client';
import type { RunsRepository } from '../runs/runs.repository.ts';
import { listRunsQuery, visibilityQuery } from '../runs/runs-query.ts';

/** Runs not finished yet: the rollups count a run when it ends, so the dashboard asks for these now. */
export interface InProgress {
  /** Running on Temporal (waiting on a step, a retry, an approval…); null when Temporal could not be asked. */
  running: number | null;
  /** Accepted and waiting in the run queue to start. */
  queued: number;
}

export type InProgressRead = (workspaceId: string, flowId: string | undefined) => Promise<InProgress>;

/**
 * Counts a workspace's (or one flow's) runs in progress: Temporal's visibility count of Running runs, and the run
 * queue.  An unreachable Temporal leaves `running` null instead of failing the dashboard.
 */
export function inProgressReader(deps: { temporal: Client; runs: RunsRepository }): InProgressRead {
  return async (workspaceId, flowId) => {
    const query = visibilityQuery(
      workspaceId,
      listRunsQuery.parse({ status: 'running', ...(flowId === undefined ? {} : { flowId }) }),
    );
    const [running, queued] = await Promise.all([
      query === null
        ? Promise.resolve(0)
        : deps.temporal.workflow.count(query).then(
            (answer) => answer.count,
            () => null,
          ),
      deps.runs.countQueuedOf(workspaceId, flowId),
    ]);
    return { running, queued };
  };
}
