import type { SignalDefinition } from '@temporalio/common';
import type { WhenKeyRunning } from './business-key-setting.ts';
import type { RunFlowInput } from './run-flow.ts';

/**
 * One active run per business key (flow settings → business key, docs/adr/014): runs of a flow whose key is the same
 * never overlap.  The server evaluates the key as it starts a run and hands the run to the key's coordinator
 * workflow (signal-with-start); the coordinator starts the runs as child workflows, one at a time.
 */

export const KEY_COORDINATOR_WORKFLOW = 'runKeyCoordinator';
/** The workflow a run id gets when its event was dropped or joined another run: the run's outcome, with the reason. */
export const KEYED_EVENT_WORKFLOW = 'keyedEventOutcome';
export const KEYED_RUN_SIGNAL_NAME = 'keyedRun';

/** What the `keyedEventOutcome` workflow records: the event was dropped, or delivered to the active run (`joined`). */
export interface KeyedEventOutcome {
  outcome: 'dropped' | 'joined';
  /** The run of the same key that was active. */
  activeRunId: string;
  args: RunFlowInput;
}

/** A run handed to its key's coordinator: started by it as a `runFlow` child whose workflow id is `runId`. */
export interface KeyedRun {
  runId: string;
  whenRunning: WhenKeyRunning;
  args: RunFlowInput;
  /** The run's search attributes (as the run starter sets them on unkeyed runs). */
  index: { workspaceId: string; flowId: string; version: number; trigger: string };
  /**
   * How many runs of this coordinator may run at once when this one starts (flow settings → at most N runs at once,
   * docs/adr/020); absent: one (a business key).
   */
  slots?: number;
  /**
   * The flow's name, kept as the run's memo (as runs started directly by a Schedule, a poll or a broker message have
   * it, docs/adr/020): the runs index reads it from Temporal for those runs.  Absent on runs the server hands over.
   */
  flowName?: string;
}

export const keyedRunSignal = { type: 'signal', name: KEYED_RUN_SIGNAL_NAME } as SignalDefinition<[KeyedRun]>;

/** What a coordinator (re)starts with: runs waiting in line, and run ids seen lately (duplicate deliveries). */
export interface KeyCoordinatorInput {
  pending: KeyedRun[];
  seen: string[];
  /** Events one execution handles before it continues as new; absent: 200 (tests set fewer). */
  handledPerExecution?: number;
}

/**
 * The coordinator's workflow id: workspace, flow and the key's hash (hex, computed by the server), so no user string
 * becomes part of an id.  Versions of a flow share it: a run of v1 and one of v2 for one key never overlap either.
 */
export function keyCoordinatorWorkflowId(workspaceId: string, flowId: string, keyHash: string): string {
  return `key-${workspaceId}-${flowId}-${keyHash}`;
}

/**
 * The coordinator of a flow with "at most N runs at once" (docs/adr/020): one per flow, shared by its versions, so a
 * run of v1 and runs of v2 count against one limit.
 */
export function flowCoordinatorWorkflowId(workspaceId: string, flowId: string): string {
  return `concurrency-${workspaceId}-${flowId}`;
}

/**
 * Runs started outside the server's starter (scheduled fires, polled items, broker messages) of a flow with "at most N
 * runs at once" (docs/adr/020, "Scheduled, polled and broker runs"): what the worker hands to the flow's coordinator
 * with the same signal-with-start as the server's starter (`handOverRun` activity, or the trigger runner itself).
 */
export interface CoordinatorHandOver {
  coordinatorId: string;
  run: KeyedRun;
}

/** The activity that hands a run to its coordinator (signal-with-start through the worker's client). */
export const HAND_OVER_RUN_ACTIVITY = 'handOverRun';

/**
 * The workflow a flow's Schedule starts instead of `runFlow` when the flow has "at most N runs at once": it hands the
 * fire's run to the flow's coordinator and ends.  Its workflow id is the fire's run id with this prefix (Temporal
 * appends the fire time to both), so the run keeps the id a direct scheduled run would have had.
 */
export const SCHEDULED_HAND_OVER_WORKFLOW = 'handOverScheduledRun';
export const SCHEDULED_HAND_OVER_PREFIX = 'handover_';

/**
 * The coordinator-bound form of a run started outside the server's starter, or undefined (the run starts directly):
 * a published flow with "at most N runs at once" — the flow's coordinator, `slots` its limit.  Business keys are not
 * evaluated here (their runs from these paths still start directly).
 */
export function limitedHandOverOf(
  args: RunFlowInput,
  trigger: 'schedule' | 'poll' | 'message',
  flowName: string,
): CoordinatorHandOver | undefined {
  const { plan, run } = args;
  if (plan.maxConcurrentRuns === undefined || plan.version === 0) return undefined;
  return {
    coordinatorId: flowCoordinatorWorkflowId(run.workspaceId, plan.flowId),
    run: {
      runId: run.id,
      whenRunning: 'queue',
      slots: plan.maxConcurrentRuns,
      args,
      index: { workspaceId: run.workspaceId, flowId: plan.flowId, version: plan.version, trigger },
      flowName,
    },
  };
}
