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
