// Workflow code (deterministic): reads only workflowInfo(), which is replay-safe.
import { type CoordinatorHandOver, type RunFlowInput, SCHEDULED_HAND_OVER_PREFIX } from '@pipewright/run-contract';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { proxyActivities, workflowInfo } from '@temporalio/workflow';

/** Set by Temporal on every workflow a Schedule starts: the fire time it was started for. */
const SCHEDULED_START_TIME = defineSearchAttributeKey('TemporalScheduledStartTime', SearchAttributeType.DATETIME);

const { handOverRun } = proxyActivities<{ handOverRun(handOver: CoordinatorHandOver): Promise<void> }>({
  startToCloseTimeout: '30 seconds',
  retry: { maximumAttempts: 10, initialInterval: '1 second' },
});

/** The time this Schedule fire was for (Temporal's attribute; the start time when absent). */
function scheduledAt(): string {
  const info = workflowInfo();
  return (info.typedSearchAttributes.get(SCHEDULED_START_TIME) ?? info.startTime).toISOString();
}

/**
 * A Schedule's action input is fixed when the schedule is written, so for `kind: 'schedule'` the run id (used in
 * idempotency keys) and the trigger output are filled in here, per fire: the run id is the workflow id Temporal
 * gave this fire (`run_<flowId>_schedule-<time>`), the trigger output `{ scheduledAt }` its scheduled time.  A run
 * whose id is filled in already was handed over by `handOverScheduledRun`, which filled both.
 */
export function withScheduledRun(input: RunFlowInput): RunFlowInput {
  if (input.run.kind !== 'schedule' || input.run.id !== '') return input;
  return {
    ...input,
    trigger: { scheduledAt: scheduledAt() },
    run: { ...input.run, id: workflowInfo().workflowId },
  };
}

/**
 * What a flow's Schedule starts when the flow has "at most N runs at once" (docs/adr/020): the fire's run — its id
 * this workflow's id without `handover_` (`run_<flowId>_schedule-<time>`, as a direct scheduled run's), its trigger
 * output `{ scheduledAt }` — handed to the flow's coordinator, which starts it when a slot is free.  Carries no
 * search attributes: it is no run, and is not listed.
 */
export async function handOverScheduledRun(handOver: CoordinatorHandOver): Promise<void> {
  const { workflowId } = workflowInfo();
  const runId = workflowId.startsWith(SCHEDULED_HAND_OVER_PREFIX)
    ? workflowId.slice(SCHEDULED_HAND_OVER_PREFIX.length)
    : workflowId;
  const { args } = handOver.run;
  await handOverRun({
    ...handOver,
    run: {
      ...handOver.run,
      runId,
      args: { ...args, trigger: { scheduledAt: scheduledAt() }, run: { ...args.run, id: runId } },
    },
  });
}
