import { formatBytes, jsonByteLength } from '@pipewright/flow';
import { useMemo } from 'react';
import { selectPinnedSamples } from '../../canvas/editor.selectors.ts';
import { useEditor, useEditorStore } from '../../canvas/editor-context.ts';
import { formatJson } from '../../ui/format.ts';

/**
 * The node's pinned sample output (saved with the draft): what previews, autocomplete and "Test this step" of the
 * steps after it use as this node's output.  "Unpin" is an undoable edit like any other.
 */
export function PinnedSampleSection({ nodeId }: { nodeId: string }) {
  const store = useEditorStore();
  const pins = useEditor(selectPinnedSamples);
  const readOnly = useEditor((state) => state.session.readOnly);
  const isPinned = Object.hasOwn(pins, nodeId);
  const sample = pins[nodeId];
  const size = useMemo(() => (isPinned ? formatBytes(jsonByteLength(sample)) : ''), [isPinned, sample]);
  if (!isPinned) return null;
  return (
    <section className="test-step" data-testid="pinned-sample">
      <div className="test-step-facts">
        <span className="badge">📌 pinned output</span>
        <span className="muted small">{size} · saved with the draft; runs ignore it</span>
        <span className="spacer" />
        {!readOnly && (
          <button
            type="button"
            className="link-button"
            data-testid="unpin-sample-button"
            onClick={() => store.getState().actions.pinSample(nodeId, undefined)}
          >
            Unpin
          </button>
        )}
      </div>
      <pre className="code" data-testid="pinned-sample-output">
        {formatJson(sample)}
      </pre>
    </section>
  );
}
