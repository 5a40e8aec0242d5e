// Workflow code (deterministic): reads only workflowInfo(), which is replay-safe.
import type { RunFlowInput } from '@pipewright/run-contract';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { workflowInfo } from '@temporalio/workflow';

/** Set by Temporal on every workflow a Schedule starts: the fire time it was started for. */
const SCHEDULED_START_TIME = defineSearchAttributeKey('TemporalScheduledStartTime', SearchAttributeType.DATETIME);

/**
 * A Schedule's action input is fixed when the schedule is written, so for `kind: 'schedule'` the run id (used in
 * idempotency keys) and the trigger output are filled in here, per fire: the run id is the workflow id Temporal
 * gave this fire (`run_<flowId>_schedule-<time>`), the trigger output `{ scheduledAt }` its scheduled time.
 */
export function withScheduledRun(input: RunFlowInput): RunFlowInput {
  if (input.run.kind !== 'schedule') return input;
  const info = workflowInfo();
  const scheduledAt = info.typedSearchAttributes.get(SCHEDULED_START_TIME) ?? info.startTime;
  return {
    ...input,
    trigger: { scheduledAt: scheduledAt.toISOString() },
    run: { ...input.run, id: info.workflowId },
  };
}
