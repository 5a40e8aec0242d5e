import { MAX_CONCURRENT_RUNS_LIMIT } from '@pipewright/flow';
import { useState } from 'react';
import { useEditor, useEditorStore } from '../canvas/editor-context.ts';
import { setFlowSetting } from '../canvas/flow-settings.ts';

/** The limit typed, or why it is not one: a whole number from 1 to 100; empty is no limit. */
function parseLimit(text: string): { limit: number | undefined } | { problem: string } {
  const trimmed = text.trim();
  if (trimmed === '') return { limit: undefined };
  const limit = Number(trimmed);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_CONCURRENT_RUNS_LIMIT)
    return { problem: `a whole number from 1 to ${MAX_CONCURRENT_RUNS_LIMIT}, or empty for no limit` };
  return { limit };
}

/**
 * "At most N runs at once" (`settings.maxConcurrentRuns`, docs/adr/020): more runs of the flow wait in line and start
 * as running ones end.  Typed, then applied (leaving the field, or Enter) as one undoable edit of the document's
 * settings; it takes effect with the next publish.
 */
export function MaxConcurrentRunsInput() {
  const store = useEditorStore();
  const saved = useEditor((state) => state.document.doc.settings?.maxConcurrentRuns);
  const hasBusinessKey = useEditor((state) => state.document.doc.settings?.businessKey !== undefined);
  /** What is being typed; null: showing the saved setting. */
  const [draft, setDraft] = useState<string | null>(null);
  const text = draft ?? (saved === undefined ? '' : String(saved));
  const parsed = parseLimit(text);
  const apply = () => {
    if (draft === null) return;
    if ('limit' in parsed && parsed.limit !== saved) setFlowSetting(store, 'maxConcurrentRuns', parsed.limit);
    if ('limit' in parsed) setDraft(null);
  };
  return (
    <label className="muted small max-concurrent-runs">
      At most{' '}
      <input
        className="input"
        type="number"
        min={1}
        max={MAX_CONCURRENT_RUNS_LIMIT}
        step={1}
        placeholder="∞"
        size={4}
        aria-label="At most this many runs at once (empty: no limit)"
        aria-invalid={'problem' in parsed}
        data-testid="max-concurrent-runs"
        value={text}
        onChange={(event) => setDraft(event.target.value)}
        onBlur={apply}
        onKeyDown={(event) => {
          if (event.key === 'Enter') apply();
          if (event.key === 'Escape') setDraft(null);
        }}
      />{' '}
      runs at once
      {'problem' in parsed && (
        <span className="field-error small" data-testid="max-concurrent-runs-error">
          {' '}
          {parsed.problem}
        </span>
      )}
      {saved !== undefined && hasBusinessKey && (
        <span className="field-error small"> (not with a business key: remove one of the two)</span>
      )}
    </label>
  );
}
