import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { uniqueName } from '@pipewright/devstack';
import {
  KEY_COORDINATOR_WORKFLOW,
  type KeyCoordinatorInput,
  type KeyedRun,
  keyedRunSignal,
  type RunState,
} from '@pipewright/run-contract';
import { compileTestFlow, startTestWorker, type TestWorker, waitFor } from '../test-support.ts';

let worker: TestWorker;
before(async () => {
  worker = await startTestWorker(uniqueName('tq'));
});
after(async () => {
  await worker?.stop();
});

/** The most runs whose [startedAt, endedAt] overlap at one moment. */
function mostAtOnce(states: RunState[]): number {
  const edges = states.flatMap((state) => [
    { at: state.startedAt, delta: 1 },
    { at: state.endedAt ?? Infinity, delta: -1 },
  ]);
  // An end and a start at the same millisecond do not overlap.
  edges.sort((a, b) => a.at - b.at || a.delta - b.delta);
  let open = 0;
  let most = 0;
  for (const edge of edges) {
    open += edge.delta;
    most = Math.max(most, open);
  }
  return most;
}

test('a flow coordinator with 2 slots runs 7 runs two at a time, in arrival order, across continue-as-new', async () => {
  const { client, taskQueue } = worker;
  const plan = compileTestFlow({
    flowId: 'flw_limit',
    taskQueue,
    nodes: [
      { id: 'start', type: 'core.manual' },
      { id: 'pause', type: 'core.wait', config: { mode: 'delay', durationSeconds: 0.3 } },
    ],
    edges: [['start', 'pause']],
  });
  const runIds = Array.from({ length: 7 }, (_, index) => uniqueName(`run${index}`));
  const handedOver = (runId: string): KeyedRun => ({
    runId,
    whenRunning: 'queue',
    slots: 2,
    args: { plan, trigger: { runId }, run: { id: runId, workspaceId: 'ws_limit', kind: 'manual' } },
    index: { workspaceId: 'ws_limit', flowId: plan.flowId, version: 1, trigger: 'manual' },
  });
  const coordinatorId = uniqueName('concurrency');
  // Three events per execution: it must drain its two slots to continue as new, and start the line again after.
  const input: KeyCoordinatorInput = { pending: [], seen: [], handledPerExecution: 3 };
  let firstExecution: string | undefined;
  for (const runId of [...runIds, runIds[1] ?? '']) {
    const handle = await client.workflow.signalWithStart(KEY_COORDINATOR_WORKFLOW, {
      taskQueue,
      workflowId: coordinatorId,
      args: [input],
      signal: keyedRunSignal,
      signalArgs: [handedOver(runId)],
    });
    firstExecution ??= handle.signaledRunId;
  }
  const states: RunState[] = [];
  for (const runId of runIds) {
    await waitFor(`run ${runId} to start`, () =>
      client.workflow
        .getHandle(runId)
        .describe()
        .then(
          () => true,
          () => undefined,
        ),
    );
    states.push(await client.workflow.getHandle(runId).result());
  }
  assert.deepEqual(
    states.map((state) => state.status),
    runIds.map(() => 'succeeded'),
  );
  assert.equal(mostAtOnce(states), 2, 'two at a time, never three');
  await client.workflow.getHandle(coordinatorId).result();
  // Started in the order they were handed over (two started in one workflow task may begin in either order, so this is
  // read from the coordinator's own commands), the repeated hand-over not at all; executions followed from the first.
  const startedChildren: string[] = [];
  let executions = 0;
  for (let execution: string | undefined = firstExecution; execution !== undefined; executions += 1) {
    const history = await client.workflow.getHandle(coordinatorId, execution).fetchHistory();
    execution = undefined;
    for (const event of history.events ?? []) {
      const child = event.startChildWorkflowExecutionInitiatedEventAttributes;
      if (child?.workflowId) startedChildren.push(child.workflowId);
      execution = event.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? execution;
    }
  }
  assert.deepEqual(startedChildren, runIds);
  assert.ok(executions >= 2, `it continued as new (${executions} executions)`);
});
