import { useState } from 'react';
import { Dialog } from '../ui/Dialog.tsx';

interface RunDialogProps {
  busy: boolean;
  onRun(payload: unknown): Promise<boolean>;
  onClose(): void;
}

const LAST_PAYLOAD_KEY = 'pipewright.lastPayload';

/** Asks for the test payload the trigger will output, then starts a draft run. */
export function RunDialog({ busy, onRun, onClose }: RunDialogProps) {
  const [text, setText] = useState(() => window.localStorage.getItem(LAST_PAYLOAD_KEY) ?? '{\n  \n}');
  const [error, setError] = useState<string | null>(null);

  const confirm = async () => {
    let payload: unknown;
    try {
      payload = text.trim() === '' ? {} : JSON.parse(text);
    } catch (parseError) {
      setError(
        `The payload is not valid JSON: ${parseError instanceof Error ? parseError.message : String(parseError)}`,
      );
      return;
    }
    window.localStorage.setItem(LAST_PAYLOAD_KEY, text);
    if (await onRun(payload)) onClose();
  };

  return (
    <Dialog title="Run the draft" testId="run-dialog" onClose={onClose}>
      <p className="muted small">The trigger outputs this JSON payload (a webhook trigger receives it as its body).</p>
      <textarea
        className="input mono"
        data-testid="run-payload"
        rows={10}
        value={text}
        spellCheck={false}
        onChange={(event) => {
          setText(event.target.value);
          setError(null);
        }}
        onKeyDown={(event) => {
          if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) void confirm();
        }}
      />
      {error && <p className="field-error">{error}</p>}
      <div className="dialog-actions">
        <button type="button" className="button" onClick={onClose}>
          Cancel
        </button>
        <button
          type="button"
          className="button primary"
          data-testid="run-confirm"
          disabled={busy}
          onClick={() => void confirm()}
        >
          {busy ? 'Starting…' : 'Run'}
        </button>
      </div>
    </Dialog>
  );
}
