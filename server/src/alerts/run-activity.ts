import { finalStateOfFailure, RUN_FLOW_WORKFLOW } from '@pipewright/run-contract';
import type { Client } from '@temporalio/client';
import type { Db } from 'mongodb';
import { z } from 'zod';
import { OpenFailureCounts } from '../failures/open-failure-counts.ts';

/** Ids we put in visibility queries are generated ([A-Za-z0-9_-]); anything else matches nothing. */
const SAFE_ID = /^[A-Za-z0-9_-]+$/;
/** Temporal statuses of a run that finished; `Terminated`/`Canceled` are someone stopping it, not a failure. */
const FINISHED = "ExecutionStatus IN ('Completed', 'Failed', 'TimedOut')";
const FAILED = "ExecutionStatus IN ('Failed', 'TimedOut')";
/** The most closed runs one `run_failed` look reads (the evaluator looks every ~30 s: far more than come in). */
const MAX_CLOSED_PER_LOOK = 1_000;

export interface ClosedRun {
  runId: string;
  closedAt: Date;
  failed: boolean;
}

const failureDocSchema = z.object({ nodeTitle: z.string(), nodeId: z.string(), errorMessage: z.string() });

/**
 * What the alert conditions read about a flow's runs.  Counts and closed runs come from Temporal's visibility store
 * (the runs list reads it too): every run of a published version (`FlowVersion > 0`: drafts and step tests are a
 * builder trying things), counted by Temporal itself.  The DLQ backlog is the failed-runs queue's counters
 * (server/src/failures/open-failure-counts.ts).  A rollup (server/src/operations) can serve the counts instead once it exists: this
 * class is the one place to change.
 */
export class RunActivity {
  readonly #temporal: Client;
  readonly #db: Db;
  readonly #openFailures: OpenFailureCounts;

  constructor(deps: { temporal: Client; db: Db }) {
    this.#temporal = deps.temporal;
    this.#db = deps.db;
    this.#openFailures = new OpenFailureCounts(deps.db);
  }

  /** The failed-runs queue's collection (server/src/failures), read only here. */
  #failures() {
    return this.#db.collection<{ _id: string; workspaceId: string; flowId: string }>('run_failures');
  }

  /** Runs of the flow that finished in [from, to], and how many of them failed (or timed out). */
  async finishedBetween(
    workspaceId: string,
    flowId: string,
    from: Date,
    to: Date,
  ): Promise<{ finished: number; failed: number }> {
    const base = flowRuns(workspaceId, flowId);
    if (base === undefined) return { finished: 0, failed: 0 };
    const window = `CloseTime > '${from.toISOString()}' AND CloseTime <= '${to.toISOString()}'`;
    const [finished, failed] = await Promise.all([
      this.#temporal.workflow.count(`${base} AND ${window} AND ${FINISHED}`),
      this.#temporal.workflow.count(`${base} AND ${window} AND ${FAILED}`),
    ]);
    return { finished: finished.count, failed: failed.count };
  }

  /** Runs of the flow that started after `from` (up to `to`). */
  async startedBetween(workspaceId: string, flowId: string, from: Date, to: Date): Promise<number> {
    const base = flowRuns(workspaceId, flowId);
    if (base === undefined) return 0;
    const query = `${base} AND StartTime > '${from.toISOString()}' AND StartTime <= '${to.toISOString()}'`;
    return (await this.#temporal.workflow.count(query)).count;
  }

  /** Runs of the flow that finished in (from, to], oldest first. */
  async closedBetween(workspaceId: string, flowId: string, from: Date, to: Date): Promise<ClosedRun[]> {
    const base = flowRuns(workspaceId, flowId);
    if (base === undefined) return [];
    const query = `${base} AND CloseTime > '${from.toISOString()}' AND CloseTime <= '${to.toISOString()}' AND ${FINISHED}`;
    const runs: ClosedRun[] = [];
    for await (const info of this.#temporal.workflow.list({ query, pageSize: 200 })) {
      if (info.closeTime !== undefined) {
        runs.push({ runId: info.workflowId, closedAt: info.closeTime, failed: info.status.name !== 'COMPLETED' });
      }
      if (runs.length >= MAX_CLOSED_PER_LOOK) break;
    }
    return runs.sort((a, b) => a.closedAt.getTime() - b.closedAt.getTime());
  }

  /** The flow's failed runs nobody retried, re-ran or dismissed yet (the failed-runs queue's counters). */
  async unresolvedFailures(workspaceId: string, flowId: string): Promise<number> {
    return (await this.#openFailures.perFlow(workspaceId)).get(flowId) ?? 0;
  }

  /**
   * Where and why a run failed, for the alert's text: from its failed-runs entry, else from Temporal (the run's
   * final state).  Step errors are scrubbed of credential values by the worker before they are recorded.
   */
  async describeFailure(workspaceId: string, runId: string): Promise<string | undefined> {
    const entry = await this.#failures().findOne({ _id: runId, workspaceId });
    const parsed = failureDocSchema.safeParse(entry);
    if (parsed.success) return `step "${parsed.data.nodeTitle}" failed: ${parsed.data.errorMessage}`;
    try {
      await this.#temporal.workflow.getHandle(runId).result();
      return undefined;
    } catch (error) {
      const failure = finalStateOfFailure(error)?.error;
      if (failure) return `node "${failure.nodeId}" failed: ${failure.message}`;
      return error instanceof Error ? (error.cause instanceof Error ? error.cause : error).message : undefined;
    }
  }
}

function flowRuns(workspaceId: string, flowId: string): string | undefined {
  if (!SAFE_ID.test(workspaceId) || !SAFE_ID.test(flowId)) return undefined;
  return `WorkflowType = '${RUN_FLOW_WORKFLOW}' AND WorkspaceId = '${workspaceId}' AND FlowId = '${flowId}' AND FlowVersion > 0`;
}
