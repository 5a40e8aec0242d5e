import { useState } from 'react';

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
    // biome-ignore lint/a11y/noStaticElementInteractions: clicking the backdrop closes; Escape and Cancel do too
    <div
      className="dialog-backdrop"
      role="presentation"
      onMouseDown={(event) => event.target === event.currentTarget && onClose()}
    >
      <div
        className="dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="run-dialog-title"
        data-testid="run-dialog"
      >
        <h2 id="run-dialog-title">Run the draft</h2>
        <p className="muted small">
          The trigger outputs this JSON payload (a webhook trigger receives it as its body).
        </p>
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
            if (event.key === 'Escape') onClose();
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
      </div>
    </div>
  );
}
