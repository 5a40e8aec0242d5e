import type { RunLane, RunSeed } from '@pipewright/run-contract';
import type { ParsedRunState } from '@pipewright/run-contract/schema';
import { parsePlan } from '@pipewright/run-contract/schema';
import { defineOwn } from '@pipewright/step-sdk';
import { ApiError } from '../errors.ts';
import type { FlowsService } from '../flows/flows.service.ts';
import type { RunsService, StartedRun } from '../runs/runs.service.ts';

/** Starts the retry or re-run of one failed run: what the failures service needs of runs and flows. */
export interface FailureStartsDeps {
  runs: RunsService;
  flows: FlowsService;
}

const refused = (message: string) => new ApiError(409, 'cannot_start', message);

/**
 * The nodes a retry reuses: those that succeeded in the failed run (the trigger is the run's trigger data; a node
 * that "succeeded" by continuing on error runs again — its error may be the cause being retried; so does a node the
 * failed run's compensation undid, whose output no longer stands — docs/adr/015).
 */
export function seedOf(runId: string, state: ParsedRunState, triggerNodeId: string): RunSeed {
  const nodes: RunSeed['nodes'] = {};
  for (const [id, node] of Object.entries(state.nodes)) {
    if (id === triggerNodeId || node.status !== 'succeeded' || node.continuedOnError === true) continue;
    if (node.undo?.status === 'succeeded') continue;
    defineOwn(
      nodes,
      id,
      node.ports === undefined ? { output: node.output } : { output: node.output, ports: node.ports },
    );
  }
  return { fromRunId: runId, nodes };
}

/**
 * Retry from the failed step: a new run on the failed run's own version, with its trigger data, reusing the outputs of
 * the nodes that succeeded; the failed node and everything after it run.
 */
export async function startRetry(
  deps: FailureStartsDeps,
  workspaceId: string,
  runId: string,
  lane: RunLane,
): Promise<StartedRun> {
  const { record, state } = await deps.runs.readFailed(workspaceId, runId);
  if (!state) throw refused(`Run ${runId} did not fail on a step (no final state to retry from); re-run it instead`);
  if (record.version === 0) throw refused(`Run ${runId} ran a draft; re-run it on the published version instead`);
  const version = await deps.flows.getVersionRecord(workspaceId, record.flowId, record.version);
  const plan = parsePlan(version.planJson);
  const trigger = state.nodes[plan.triggerNodeId]?.output;
  if (trigger === undefined) throw refused(`Run ${runId} has no recorded trigger data`);
  return deps.runs.start({
    workspaceId,
    flow: { id: record.flowId, name: record.flowName },
    plan,
    trigger,
    kind: record.trigger,
    seed: seedOf(runId, state, plan.triggerNodeId),
    link: { retryOf: runId },
    lane,
  });
}

/** Re-run: a new run of the failed run's trigger data on the flow's current published version, every step again. */
export async function startRerun(
  deps: FailureStartsDeps,
  workspaceId: string,
  runId: string,
  lane: RunLane,
): Promise<StartedRun> {
  const { record, state } = await deps.runs.readFailed(workspaceId, runId);
  const flow = await deps.flows.getRecord(workspaceId, record.flowId);
  if (flow.latestVersion === null) throw refused(`Flow "${flow.name}" has no published version to re-run ${runId} on`);
  const version = await deps.flows.getVersionRecord(workspaceId, flow._id, flow.latestVersion);
  const plan = parsePlan(version.planJson);
  // The trigger node of the run's own version held the trigger data (the current version may name it otherwise).
  const original =
    record.version === 0 ? undefined : await deps.flows.getVersionRecord(workspaceId, record.flowId, record.version);
  const triggerNodeId = original ? parsePlan(original.planJson).triggerNodeId : plan.triggerNodeId;
  const trigger = state?.nodes[triggerNodeId]?.output;
  if (trigger === undefined) throw refused(`Run ${runId} has no recorded trigger data to re-run`);
  return deps.runs.start({
    workspaceId,
    flow: { id: flow._id, name: flow.name },
    plan,
    trigger,
    kind: record.trigger,
    link: { rerunOf: runId },
    lane,
  });
}
