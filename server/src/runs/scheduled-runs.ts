import { FLOW_ID, FLOW_VERSION, RUN_TRIGGER, WORKSPACE_ID } from '@pipewright/run-contract';
import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import type { RunRecord, RunsRepository } from './runs.repository.ts';

/**
 * Runs started outside the server: by a Schedule, a polling trigger (pollTrigger workflow), a broker message, or a
 * failed run starting its flow's error handler.
 */
const BACKGROUND_TRIGGERS = ['schedule', 'poll', 'message', 'error'] as const;
type BackgroundTrigger = (typeof BACKGROUND_TRIGGERS)[number];
const isBackgroundTrigger = (value: unknown): value is BackgroundTrigger =>
  BACKGROUND_TRIGGERS.some((trigger) => trigger === value);

/**
 * Temporal (or the worker's trigger runner) starts scheduled, polled and message runs, so the server never sees them start.  They are recorded in the runs index lazily,
 * from Temporal's visibility store, whenever runs are listed (or one is opened by id): one query per listing, no
 * background poller to keep alive, and the index stays the one place the API lists runs from.
 */

/** Ids we put in visibility queries are generated ([a-z0-9_]); anything else matches no flow. */
const SAFE_ID = /^[A-Za-z0-9_-]+$/;

export async function recordScheduledRuns(
  deps: { client: Client; runs: RunsRepository },
  input: { workspaceId: string; flowId?: string | undefined; limit: number },
): Promise<void> {
  if (!SAFE_ID.test(input.workspaceId)) return;
  if (input.flowId !== undefined && !SAFE_ID.test(input.flowId)) return;
  const clauses = [
    `WorkspaceId = '${input.workspaceId}'`,
    `RunTrigger IN (${BACKGROUND_TRIGGERS.map((trigger) => `'${trigger}'`).join(', ')})`,
  ];
  if (input.flowId !== undefined) clauses.push(`FlowId = '${input.flowId}'`);
  let seen = 0;
  // Newest first: only the newest `limit` can be on the page being listed.
  for await (const info of deps.client.workflow.list({ query: clauses.join(' AND '), pageSize: input.limit })) {
    const record = toRunRecord(info, input.workspaceId);
    if (record) await deps.runs.insert(record);
    seen += 1;
    if (seen >= input.limit) break;
  }
}

/** Records a scheduled run opened by id before any listing saw it; null when it is not one of this workspace's. */
export async function adoptScheduledRun(
  deps: { client: Client; runs: RunsRepository },
  workspaceId: string,
  runId: string,
): Promise<RunRecord | null> {
  const background = ['_schedule-', '_poll_', '_msg_', '-error-handler'].some((marker) => runId.includes(marker));
  if (!runId.startsWith('run_') || !background) return null;
  try {
    const info = await deps.client.workflow.getHandle(runId).describe();
    const record = toRunRecord(info, workspaceId);
    if (record) await deps.runs.insert(record);
    return record;
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return null;
    throw error;
  }
}

function toRunRecord(
  info: Pick<WorkflowExecutionInfo, 'workflowId' | 'startTime' | 'memo' | 'typedSearchAttributes'>,
  workspaceId: string,
): RunRecord | null {
  const attributes = info.typedSearchAttributes;
  const flowId = attributes.get(FLOW_ID);
  const version = attributes.get(FLOW_VERSION);
  const trigger = attributes.get(RUN_TRIGGER);
  if (attributes.get(WORKSPACE_ID) !== workspaceId || !isBackgroundTrigger(trigger)) return null;
  if (flowId === undefined || version === undefined) return null;
  const flowName = info.memo?.flowName;
  return {
    _id: info.workflowId,
    workspaceId,
    flowId,
    flowName: typeof flowName === 'string' ? flowName : flowId,
    version,
    trigger,
    startedAt: info.startTime,
  };
}
