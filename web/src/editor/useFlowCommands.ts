import type { FlowDetail } from '@pipewright/api-contract';
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useState } from 'react';
import { ApiError, api, errorMessage } from '../api/api.ts';
import { queryKeys } from '../api/queries.ts';
import { useEditorStore } from '../canvas/editor-context.ts';

export interface EditorMessage {
  tone: 'info' | 'success' | 'error';
  text: string;
}

/** Save / publish / run for the open flow: API calls here, results reported to the store through its actions. */
export function useFlowCommands() {
  const store = useEditorStore();
  const queryClient = useQueryClient();
  const [message, setMessage] = useState<EditorMessage | null>(null);
  const [busy, setBusy] = useState<'save' | 'publish' | 'run' | 'resolve' | null>(null);
  /** Set when a save was refused because someone else saved first: the user picks Reload or Overwrite. */
  const [conflict, setConflict] = useState(false);

  const showCompileErrors = useCallback(
    (error: unknown) => {
      if (error instanceof ApiError && error.compileErrors.length) {
        store.getState().actions.setCompileErrors(error.compileErrors);
        const general = error.compileErrors.filter((entry) => !entry.nodeId).map((entry) => entry.message);
        setMessage({ tone: 'error', text: [error.message, ...general].join(' — ') });
      } else {
        setMessage({ tone: 'error', text: errorMessage(error) });
      }
    },
    [store],
  );

  /** Saves when dirty; resolves false (with a message shown) when the save failed. */
  const saveIfNeeded = useCallback(async (): Promise<boolean> => {
    const { document, actions } = store.getState();
    if (!document.dirty) return true;
    const { doc, name, revision, flowId } = document;
    try {
      const saved = await api.updateFlow(flowId, { name, document: doc, revision });
      actions.markSaved({ revision: saved.revision, doc, name });
      queryClient.setQueryData<FlowDetail>(queryKeys.flow(flowId), saved);
      void queryClient.invalidateQueries({ queryKey: queryKeys.flows, exact: true });
      return true;
    } catch (error) {
      if (error instanceof ApiError && error.code === 'stale_revision') setConflict(true);
      showCompileErrors(error);
      return false;
    }
  }, [store, queryClient, showCompileErrors]);

  /** Reload: discard local edits for the server's draft.  Overwrite: save local edits on top of its revision. */
  const resolveConflict = useCallback(
    async (choice: 'reload' | 'overwrite') => {
      setBusy('resolve');
      try {
        const { flowId, doc, name } = store.getState().document;
        const latest = await api.getFlow(flowId);
        const { actions } = store.getState();
        if (choice === 'reload') {
          actions.loadDocument({ flowId, name: latest.name, doc: latest.document, revision: latest.revision });
          queryClient.setQueryData<FlowDetail>(queryKeys.flow(flowId), latest);
          setMessage({ tone: 'info', text: 'Reloaded the latest saved version' });
        } else {
          const saved = await api.updateFlow(flowId, { name, document: doc, revision: latest.revision });
          actions.markSaved({ revision: saved.revision, doc, name });
          queryClient.setQueryData<FlowDetail>(queryKeys.flow(flowId), saved);
          setMessage({ tone: 'success', text: 'Saved your version over the other changes' });
        }
        setConflict(false);
        void queryClient.invalidateQueries({ queryKey: queryKeys.flows, exact: true });
      } catch (error) {
        if (!(error instanceof ApiError && error.code === 'stale_revision')) setConflict(false);
        showCompileErrors(error);
      } finally {
        setBusy(null);
      }
    },
    [store, queryClient, showCompileErrors],
  );

  const save = useCallback(async () => {
    setBusy('save');
    const ok = await saveIfNeeded();
    setBusy(null);
    if (ok) setMessage({ tone: 'success', text: 'Saved' });
  }, [saveIfNeeded]);

  const publish = useCallback(async () => {
    setBusy('publish');
    try {
      if (!(await saveIfNeeded())) return;
      const { flowId } = store.getState().document;
      const version = await api.publishFlow(flowId);
      store.getState().actions.setCompileErrors([]);
      setMessage({ tone: 'success', text: `Published version ${version.version}` });
      void queryClient.invalidateQueries({ queryKey: queryKeys.flows });
    } catch (error) {
      showCompileErrors(error);
    } finally {
      setBusy(null);
    }
  }, [store, saveIfNeeded, queryClient, showCompileErrors]);

  const run = useCallback(
    async (payload: unknown): Promise<boolean> => {
      setBusy('run');
      try {
        // A draft run compiles the server's draft, so unsaved edits are saved first.
        if (!(await saveIfNeeded())) return false;
        const { flowId } = store.getState().document;
        const { runId } = await api.startRun(flowId, { payload, source: 'draft' });
        store.getState().actions.setCompileErrors([]);
        store.getState().actions.watchRun(runId);
        setMessage({ tone: 'info', text: `Run started` });
        void queryClient.invalidateQueries({ queryKey: ['runs'] });
        return true;
      } catch (error) {
        showCompileErrors(error);
        return false;
      } finally {
        setBusy(null);
      }
    },
    [store, saveIfNeeded, queryClient, showCompileErrors],
  );

  return { save, publish, run, message, setMessage, busy, conflict, resolveConflict };
}
