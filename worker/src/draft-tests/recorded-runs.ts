import { finalStateOfFailure, type RunState, WORKSPACE_ID } from '@pipewright/run-contract';
import { Client, Connection, WorkflowFailedError, WorkflowNotFoundError } from '@temporalio/client';

/** What `loadRecordedRun` found: the run's final state, or why there is none to test against. */
export type RecordedRun = { state: RunState } | { note: string };

export interface DraftTestActivities {
  loadRecordedRun(request: { runId: string; workspaceId: string }): Promise<RecordedRun>;
}

/**
 * The draft tests' activity (docs/adr/016): a past run's final state, read from its workflow's result (a failed run's
 * state travels in its failure), so no history is replayed.  Only a run of the test's workspace is read.  The client
 * connects on first use and closes with the worker.
 */
export function createDraftTestActivities(options: { temporalAddress: string; namespace: string }): {
  activities: DraftTestActivities;
  close(): Promise<void>;
} {
  let connecting: Promise<Connection> | undefined;
  const client = async () => {
    connecting ??= Connection.connect({ address: options.temporalAddress });
    return new Client({ connection: await connecting, namespace: options.namespace });
  };
  return {
    activities: {
      async loadRecordedRun({ runId, workspaceId }) {
        const handle = (await client()).workflow.getHandle(runId);
        let description: Awaited<ReturnType<typeof handle.describe>>;
        try {
          description = await handle.describe();
        } catch (error) {
          if (error instanceof WorkflowNotFoundError) return { note: 'the run is no longer kept by Temporal' };
          throw error;
        }
        if (description.typedSearchAttributes.get(WORKSPACE_ID) !== workspaceId)
          return { note: 'not a run of this workspace' };
        const status = description.status.name;
        if (status === 'RUNNING') return { note: 'the run is still running' };
        if (status !== 'COMPLETED' && status !== 'FAILED') return { note: `the run ended as ${status.toLowerCase()}` };
        try {
          return { state: (await handle.result()) as RunState };
        } catch (error) {
          const state = error instanceof WorkflowFailedError ? finalStateOfFailure(error) : undefined;
          if (state) return { state };
          return { note: 'the run failed without a recorded state' };
        }
      },
    },
    async close() {
      if (connecting) await (await connecting).close();
    },
  };
}
