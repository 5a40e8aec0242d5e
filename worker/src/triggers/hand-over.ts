import {
  type CoordinatorHandOver,
  KEY_COORDINATOR_WORKFLOW,
  type KeyCoordinatorInput,
  keyedRunSignal,
} from '@pipewright/run-contract';
import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';

/**
 * Hands a run to its coordinator as the server's run starter does (server/src/runs/run-starter.ts, docs/adr/020):
 * signal-with-start of `keyedRun`, the coordinator started on `taskQueue` if it is not running.  Idempotent: the
 * coordinator ignores a run id it has seen, and a run id Temporal already has is never started again.
 */
export async function handOverToCoordinator(
  client: Client,
  taskQueue: string,
  handOver: CoordinatorHandOver,
): Promise<void> {
  const input: KeyCoordinatorInput = { pending: [], seen: [] };
  // No search attributes: the coordinator is no run, and must not be listed among them.
  await client.workflow.signalWithStart(KEY_COORDINATOR_WORKFLOW, {
    taskQueue,
    workflowId: handOver.coordinatorId,
    ...(handOver.run.args.run.priority === undefined ? {} : { priority: handOver.run.args.run.priority }),
    args: [input],
    signal: keyedRunSignal,
    signalArgs: [handOver.run],
  });
}

/**
 * The `handOverRun` activity (workflows hand runs over through it: `pollTrigger`, `handOverScheduledRun`), with the
 * worker's own client; the coordinator runs on this activity's task queue, the core worker's.
 */
export async function handOverRun(handOver: CoordinatorHandOver): Promise<void> {
  const context = Context.current();
  await handOverToCoordinator(context.client, context.info.taskQueue, handOver);
}
