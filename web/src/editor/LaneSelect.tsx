import { useEditor, useEditorStore } from '../canvas/editor-context.ts';
import { setFlowSetting } from '../canvas/flow-settings.ts';

/**
 * The flow's lane (`settings.lane`, docs/adr/027): "batch" moves its runs one lane down, so under a backlog its
 * webhooks wait behind other flows' and its schedules behind everything.  An undoable edit of the document's settings;
 * it takes effect with the next publish.
 */
export function LaneSelect() {
  const store = useEditorStore();
  const lane = useEditor((state) => state.document.doc.settings?.lane);
  return (
    <label className="muted small lane-select">
      Lane{' '}
      <select
        className="input"
        data-testid="lane-select"
        aria-label="Lane: batch runs wait behind other flows' under a backlog"
        value={lane ?? ''}
        onChange={(event) => setFlowSetting(store, 'lane', event.target.value === 'batch' ? 'batch' : undefined)}
      >
        <option value="">by trigger</option>
        <option value="batch">batch (one lane down)</option>
      </select>
    </label>
  );
}
