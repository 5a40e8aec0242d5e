import { useEditor, useEditorStore } from '../canvas/editor-context.ts';

/** The choices offered; `''` leaves the setting out (the compiler's default: 1 h, none for flows that wait). */
const CHOICES: { value: string; label: string }[] = [
  { value: '', label: 'default (1 h; none with a Wait or Sub-flow)' },
  { value: '60000', label: '1 min' },
  { value: '600000', label: '10 min' },
  { value: '3600000', label: '1 h' },
  { value: '21600000', label: '6 h' },
  { value: '86400000', label: '1 day' },
  { value: '604800000', label: '7 days' },
  { value: 'none', label: 'no limit' },
];

/**
 * The flow's run timeout (`settings.runTimeoutMs`): how long one run may take before Temporal ends it as timed out.
 * An undoable edit of the document's settings, like the error handler.
 */
export function RunTimeoutSelect() {
  const store = useEditorStore();
  const setting = useEditor((state) => state.document.doc.settings?.runTimeoutMs);
  const current = setting === undefined ? '' : setting === null ? 'none' : String(setting);
  const choose = (value: string) => {
    const { runTimeoutMs: _previous, ...rest } = store.getState().document.doc.settings ?? {};
    const settings =
      value === '' ? rest : { ...rest, runTimeoutMs: value === 'none' ? null : Number.parseInt(value, 10) };
    store.getState().actions.dispatch({
      kind: 'updateFlowSettings',
      settings: Object.keys(settings).length > 0 ? settings : undefined,
    });
  };
  return (
    <label className="muted small run-timeout-select">
      Run timeout{' '}
      <select
        className="input"
        data-testid="run-timeout-select"
        value={current}
        onChange={(event) => choose(event.target.value)}
      >
        {CHOICES.map((choice) => (
          <option key={choice.value} value={choice.value}>
            {choice.label}
          </option>
        ))}
        {!CHOICES.some((choice) => choice.value === current) && (
          <option value={current}>{Math.round(Number(current) / 1000)} s</option>
        )}
      </select>
    </label>
  );
}
