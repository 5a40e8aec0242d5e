import { useFlows } from '../api/queries.ts';
import { useEditor, useEditorStore } from '../canvas/editor-context.ts';

/**
 * The flow-level error handler: another published flow that receives a failed run's details.  An undoable edit of
 * the document's settings; the server checks at publish that the chosen flow exists and is published.
 */
export function ErrorHandlerSelect({ flowId }: { flowId: string }) {
  const store = useEditorStore();
  const errorFlowId = useEditor((state) => state.document.doc.settings?.errorFlowId ?? '');
  const flows = useFlows();
  const candidates = (flows.data ?? []).filter((flow) => flow.id !== flowId);
  const choose = (value: string) => {
    const current = store.getState().document.doc.settings ?? {};
    const { errorFlowId: _previous, ...rest } = current;
    const settings = value ? { ...rest, errorFlowId: value } : rest;
    store.getState().actions.dispatch({
      kind: 'updateFlowSettings',
      settings: Object.keys(settings).length > 0 ? settings : undefined,
    });
  };
  return (
    <label className="muted small error-handler-select">
      On failure, run{' '}
      <select
        className="input"
        data-testid="error-flow-select"
        value={errorFlowId}
        onChange={(event) => choose(event.target.value)}
      >
        <option value="">no error handler</option>
        {candidates.map((flow) => (
          <option key={flow.id} value={flow.id} disabled={flow.latestVersion === null}>
            {flow.name}
            {flow.latestVersion === null ? ' (not published)' : ''}
          </option>
        ))}
        {errorFlowId && !candidates.some((flow) => flow.id === errorFlowId) && (
          <option value={errorFlowId}>(a flow that no longer exists)</option>
        )}
      </select>
    </label>
  );
}
