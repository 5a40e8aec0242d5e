import { useState } from 'react';
import { ApiError, errorMessage } from '../../api/api.ts';
import { useStartRollout } from '../../api/queries.ts';
import { useEditorStore } from '../../canvas/editor-context.ts';
import { Dialog } from '../../ui/Dialog.tsx';
import type { RolloutMessage } from './rollout-props.ts';
import { DEFAULT_ROLLOUT_PERCENT, PERCENT_LABEL, parseRolloutPercent } from './rollout-view.ts';

interface RolloutDialogProps {
  flowId: string;
  save(): Promise<void>;
  busy: boolean;
  report(message: RolloutMessage): void;
  onClose(): void;
}

/** Asks for the share of new runs, saves unsaved edits, then publishes the draft as a rollout. */
export function RolloutDialog({ flowId, save, busy, report, onClose }: RolloutDialogProps) {
  const store = useEditorStore();
  const start = useStartRollout(flowId);
  const [percentText, setPercentText] = useState(String(DEFAULT_ROLLOUT_PERCENT));
  const [problem, setProblem] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const parsed = parseRolloutPercent(percentText);
  const percentProblem = 'problem' in parsed ? parsed.problem : undefined;
  const canStart = !busy && !saving && !start.isPending && percentProblem === undefined;

  const startRollout = async () => {
    if (!('percent' in parsed)) return;
    setProblem(null);
    if (store.getState().document.dirty) {
      // The server publishes the saved draft, so unsaved edits are saved first (as Publish does).
      setSaving(true);
      try {
        await save();
      } finally {
        setSaving(false);
      }
      if (store.getState().document.dirty) {
        setProblem(
          'The draft could not be saved (the message in the top bar says why). A rollout publishes the saved draft.',
        );
        return;
      }
    }
    try {
      const version = await start.mutateAsync(parsed.percent);
      store.getState().actions.setCompileErrors([]);
      report({ tone: 'success', text: `Version ${version.version} rolling out to ${parsed.percent} % of new runs` });
      onClose();
    } catch (error) {
      if (error instanceof ApiError && error.compileErrors.length > 0) {
        store.getState().actions.setCompileErrors(error.compileErrors);
      }
      setProblem(errorMessage(error));
    }
  };

  return (
    <Dialog title="Roll out the draft" testId="rollout-dialog" className="rollout-dialog" onClose={onClose}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (canStart) void startRollout();
        }}
      >
        <p className="muted small">
          Publishes the saved draft as a new version that runs this share of new runs; the current version runs the
          rest. Compare the two, then promote the new version or roll it back.
        </p>
        <div className="rollout-form">
          <label className="small" htmlFor="rollout-percent">
            {PERCENT_LABEL}
          </label>
          <input
            id="rollout-percent"
            className="input rollout-percent"
            type="number"
            min={1}
            max={99}
            step={1}
            data-testid="rollout-percent"
            aria-invalid={percentProblem !== undefined}
            aria-describedby={percentProblem === undefined ? undefined : 'rollout-percent-problem'}
            value={percentText}
            onChange={(event) => setPercentText(event.target.value)}
          />
          <span className="small muted">%</span>
        </div>
        {percentProblem && (
          <p id="rollout-percent-problem" className="field-error small" data-testid="rollout-percent-problem">
            {percentProblem}
          </p>
        )}
        {problem && (
          <p className="field-error" role="alert" data-testid="rollout-problem">
            {problem}
          </p>
        )}
        <div className="dialog-actions">
          <button type="button" className="button" data-testid="rollout-cancel" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button primary" data-testid="rollout-start" disabled={!canStart}>
            {saving ? 'Saving…' : start.isPending ? 'Starting…' : 'Start rollout'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
