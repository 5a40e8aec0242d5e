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
import { compileTestFlow, startTestWorker, type TestWorker, waitFor } from './test-support.ts';

let worker: TestWorker;
before(async () => {
  worker = await startTestWorker(uniqueName('tq'));
});
after(async () => {
  await worker?.stop();
});

test('a key coordinator continues as new between runs, keeps its line in order; a repeated hand-over changes nothing', async () => {
  const { client, taskQueue } = worker;
  const plan = compileTestFlow({
    flowId: 'flw_keys',
    taskQueue,
    nodes: [
      { id: 'start', type: 'core.manual' },
      { id: 'pause', type: 'core.wait', config: { mode: 'delay', durationSeconds: 0.05 } },
    ],
    edges: [['start', 'pause']],
  });
  const runIds = Array.from({ length: 5 }, (_, index) => uniqueName(`run${index}`));
  const keyed = (runId: string): KeyedRun => ({
    runId,
    whenRunning: 'queue',
    args: { plan, trigger: { runId }, run: { id: runId, workspaceId: 'ws_keys', kind: 'manual' } },
    index: { workspaceId: 'ws_keys', flowId: plan.flowId, version: 1, trigger: 'manual' },
  });
  const coordinatorId = uniqueName('key');
  const input: KeyCoordinatorInput = { pending: [], seen: [], handledPerExecution: 2 };
  for (const runId of [...runIds, runIds[0] ?? '']) {
    await client.workflow.signalWithStart(KEY_COORDINATOR_WORKFLOW, {
      taskQueue,
      workflowId: coordinatorId,
      args: [input],
      signal: keyedRunSignal,
      signalArgs: [keyed(runId)],
    });
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
  // One after another, in the order they were handed over.
  states.slice(1).forEach((state, index) => {
    assert.ok((states[index]?.endedAt ?? Infinity) <= state.startedAt, `run ${index + 1} started after run ${index}`);
  });
  // The coordinator ended, after continuing as new at least twice (5 runs, 2 per execution).
  await client.workflow.getHandle(coordinatorId).result();
  const executions = await waitFor('the coordinator executions to be listed', async () => {
    let count = 0;
    for await (const _ of client.workflow.list({ query: `WorkflowId = '${coordinatorId}'` })) count += 1;
    return count >= 3 ? count : undefined;
  });
  assert.ok(executions >= 3);
});
