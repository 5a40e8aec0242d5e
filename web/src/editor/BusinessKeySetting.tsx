import { type BusinessKeySetting as Setting, WHEN_KEY_RUNNING_MODES } from '@pipewright/flow';
import { useState } from 'react';
import { useEditor, useEditorStore } from '../canvas/editor-context.ts';
import { setFlowSetting } from '../canvas/flow-settings.ts';
import { Dialog } from '../ui/Dialog.tsx';

const MODE_LABELS: Record<Setting['whenRunning'], string> = {
  queue: 'waits in line, runs after it (in arrival order)',
  signal: 'is delivered to the running run (its Wait for event)',
  drop: 'is dropped (shown as a failed run saying why)',
};

/**
 * The flow's business key (`settings.businessKey`, docs/adr/014): runs whose key is the same never overlap.  Applied
 * as one undoable edit of the document's settings; the compiler checks the expression when the flow is published.
 */
export function BusinessKeySetting() {
  const store = useEditorStore();
  const saved = useEditor((state) => state.document.doc.settings?.businessKey);
  const [open, setOpen] = useState(false);
  const [expression, setExpression] = useState('');
  const [whenRunning, setWhenRunning] = useState<Setting['whenRunning']>('queue');
  const problem =
    expression !== '' && !expression.includes('{{') ? 'a template such as {{ trigger.body.orderId }}' : undefined;
  const apply = (key: Setting | undefined) => {
    setFlowSetting(store, 'businessKey', key);
    setOpen(false);
  };
  // The opener stays mounted while the dialog is open: focus returns to it when the dialog closes.
  return (
    <>
      <button
        type="button"
        className="link-button"
        data-testid="business-key-open"
        onClick={() => {
          setExpression(saved?.expression ?? '{{ trigger.body. }}');
          setWhenRunning(saved?.whenRunning ?? 'queue');
          setOpen(true);
        }}
      >
        Business key{saved ? `: ${saved.whenRunning}` : ''}
      </button>
      {open && (
        <Dialog title="Business key" testId="business-key" onClose={() => setOpen(false)}>
          <p className="muted small">
            One active run per key: runs whose key (computed from the trigger as the run starts) is the same never
            overlap. Its first 100 characters count; runs without a value start at once.
          </p>
          <input
            className="input"
            placeholder="{{ trigger.body.orderId }}"
            aria-label="Key"
            data-testid="business-key-expression"
            value={expression}
            onChange={(event) => setExpression(event.target.value)}
          />
          {problem && <span className="field-error small">{problem}</span>}
          <label className="small">
            While a run for the key is active, a new event{' '}
            <select
              className="input"
              aria-label="When a run for the key is active"
              data-testid="business-key-mode"
              value={whenRunning}
              onChange={(event) => {
                const mode = WHEN_KEY_RUNNING_MODES.find((value) => value === event.target.value);
                if (mode) setWhenRunning(mode);
              }}
            >
              {WHEN_KEY_RUNNING_MODES.map((mode) => (
                <option key={mode} value={mode}>
                  {MODE_LABELS[mode]}
                </option>
              ))}
            </select>
          </label>
          <div className="dialog-actions">
            {saved && (
              <button
                type="button"
                className="button"
                data-testid="business-key-remove"
                onClick={() => apply(undefined)}
              >
                Remove
              </button>
            )}
            <span className="spacer" />
            <button type="button" className="button" onClick={() => setOpen(false)}>
              Cancel
            </button>
            <button
              type="button"
              className="button primary"
              data-testid="business-key-apply"
              disabled={expression === '' || problem !== undefined}
              onClick={() => apply({ expression, whenRunning })}
            >
              Apply
            </button>
          </div>
        </Dialog>
      )}
    </>
  );
}
