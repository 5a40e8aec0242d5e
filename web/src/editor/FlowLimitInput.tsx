import type { FlowSettings } from '@pipewright/flow';
import { type ReactNode, useState } from 'react';
import { useEditor, useEditorStore } from '../canvas/editor-context.ts';
import { setFlowSetting } from '../canvas/flow-settings.ts';

/** The flow settings that are a whole-number limit, empty for none. */
type LimitSetting = 'maxConcurrentRuns' | 'maxWaitingRuns';

/** The number typed, or why it is not one: a whole number from 1 to `max`; empty is no limit. */
function parseLimit(text: string, max: number): { limit: number | undefined } | { problem: string } {
  const trimmed = text.trim();
  if (trimmed === '') return { limit: undefined };
  const limit = Number(trimmed);
  if (!Number.isInteger(limit) || limit < 1 || limit > max)
    return { problem: `a whole number from 1 to ${max}, or empty for no limit` };
  return { limit };
}

/**
 * A whole-number limit of the flow's settings in the top bar ("At most N runs at once", "N runs waiting").  Typed,
 * then applied (leaving the field, or Enter) as one undoable edit of the document's settings; it takes effect with
 * the next publish.
 */
export function FlowLimitInput(props: {
  setting: LimitSetting;
  max: number;
  /** Before and after the field, as the sentence reads. */
  before: string;
  after: string;
  ariaLabel: string;
  testId: string;
  className: string;
  /** Shown after the field (a conflicting setting). */
  note?: ReactNode;
}) {
  const store = useEditorStore();
  const saved = useEditor((state) => state.document.doc.settings?.[props.setting]);
  /** What is being typed; null: showing the saved setting. */
  const [draft, setDraft] = useState<string | null>(null);
  const text = draft ?? (saved === undefined ? '' : String(saved));
  const parsed = parseLimit(text, props.max);
  const apply = () => {
    if (draft === null) return;
    if ('limit' in parsed && parsed.limit !== saved) {
      setFlowSetting(store, props.setting, parsed.limit as FlowSettings[LimitSetting]);
    }
    if ('limit' in parsed) setDraft(null);
  };
  return (
    <label className={`muted small ${props.className}`}>
      {props.before}{' '}
      <input
        className="input"
        type="number"
        min={1}
        max={props.max}
        step={1}
        placeholder="∞"
        size={4}
        aria-label={props.ariaLabel}
        aria-invalid={'problem' in parsed}
        data-testid={props.testId}
        value={text}
        onChange={(event) => setDraft(event.target.value)}
        onBlur={apply}
        onKeyDown={(event) => {
          if (event.key === 'Enter') apply();
          if (event.key === 'Escape') setDraft(null);
        }}
      />{' '}
      {props.after}
      {'problem' in parsed && (
        <span className="field-error small" data-testid={`${props.testId}-error`}>
          {' '}
          {parsed.problem}
        </span>
      )}
      {props.note}
    </label>
  );
}
