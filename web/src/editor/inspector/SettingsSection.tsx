import type { FlowNode, NodeSettings, OnErrorMode, RetrySettings } from '@pipewright/flow';
import type { StepManifest } from '@pipewright/step-sdk';
import { parseOptionalInt } from '../fields/form-fields.ts';
import { useNodeEditing } from './useNodeEditing.ts';

type RetryField = 'maxAttempts' | 'initialIntervalMs';

/** Drops blank values so "blank = step default" never reaches the document as an empty object. */
function compact(settings: NodeSettings): NodeSettings | undefined {
  const retry: RetrySettings = {};
  for (const [key, value] of Object.entries(settings.retry ?? {})) {
    if (value !== undefined) Object.assign(retry, { [key]: value });
  }
  const next: NodeSettings = {};
  if (Object.keys(retry).length) next.retry = retry;
  if (settings.timeoutMs !== undefined) next.timeoutMs = settings.timeoutMs;
  if (settings.onError !== undefined && settings.onError !== 'fail') next.onError = settings.onError;
  // Edited in its own section (UndoSection): kept as it is.
  if (settings.undo !== undefined) next.undo = settings.undo;
  return Object.keys(next).length ? next : undefined;
}

const ON_ERROR_CHOICES: { value: OnErrorMode; label: string }[] = [
  { value: 'fail', label: 'Fail the run' },
  { value: 'continue', label: 'Continue (the error becomes the output)' },
  { value: 'errorOutput', label: 'Take the error output' },
];

/**
 * Engine policy a builder may override per node: what a failure does (every step but triggers), retries and timeout
 * (actions; blank = the step's default).
 */
export function SettingsSection({
  node,
  manifest,
  disabled,
}: {
  node: FlowNode;
  manifest: StepManifest | undefined;
  disabled: boolean;
}) {
  const editing = useNodeEditing(node.id);
  if (manifest?.kind === 'trigger') return null;
  const isAction = !manifest || manifest.kind === 'action';
  const settings = node.settings ?? {};
  const setOnError = (value: string) => {
    const next: NodeSettings = { ...settings };
    const mode = ON_ERROR_CHOICES.find((choice) => choice.value === value)?.value;
    if (mode === undefined || mode === 'fail') delete next.onError;
    else next.onError = mode;
    editing.setSettings(compact(next), 'onError');
    editing.seal();
  };
  const setRetry = (field: RetryField, text: string) => {
    const retry = { ...settings.retry };
    const value = parseOptionalInt(text);
    if (value === undefined) delete retry[field];
    else retry[field] = value;
    editing.setSettings(compact({ ...settings, retry }), field);
  };
  const setTimeoutMs = (text: string) => {
    const value = parseOptionalInt(text);
    const next: NodeSettings = { ...settings };
    if (value === undefined) delete next.timeoutMs;
    else next.timeoutMs = value;
    editing.setSettings(compact(next), 'timeoutMs');
  };
  const numberInput = (
    testId: string,
    value: number | undefined,
    placeholder: number | null | undefined,
    onChange: (text: string) => void,
  ) => (
    <input
      id={testId}
      data-testid={testId}
      className="input"
      type="number"
      min={0}
      value={value ?? ''}
      placeholder={placeholder === undefined || placeholder === null ? 'default' : `default ${placeholder}`}
      disabled={disabled}
      onBlur={editing.seal}
      onChange={(event) => onChange(event.target.value)}
    />
  );
  return (
    <section className="settings-section">
      <h3>Settings</h3>
      <div className="form">
        <div className="form-row">
          <label htmlFor="setting-onError">On error</label>
          <select
            id="setting-onError"
            data-testid="setting-onError"
            className="input"
            value={settings.onError ?? 'fail'}
            disabled={disabled}
            onChange={(event) => setOnError(event.target.value)}
          >
            {ON_ERROR_CHOICES.map((choice) => (
              <option key={choice.value} value={choice.value}>
                {choice.label}
              </option>
            ))}
          </select>
          {settings.onError === 'errorOutput' && (
            <p className="help">Connect the node's red "error" output to the steps that handle the failure.</p>
          )}
        </div>
        {isAction && (
          <>
            <div className="form-row">
              <label htmlFor="setting-maxAttempts">Max attempts</label>
              {numberInput('setting-maxAttempts', settings.retry?.maxAttempts, manifest?.retry.maxAttempts, (text) =>
                setRetry('maxAttempts', text),
              )}
            </div>
            <div className="form-row">
              <label htmlFor="setting-initialIntervalMs">First retry after (ms)</label>
              {numberInput(
                'setting-initialIntervalMs',
                settings.retry?.initialIntervalMs,
                manifest?.retry.initialIntervalMs,
                (text) => setRetry('initialIntervalMs', text),
              )}
            </div>
            <div className="form-row">
              <label htmlFor="setting-timeoutMs">Timeout (ms)</label>
              {numberInput('setting-timeoutMs', settings.timeoutMs, manifest?.timeoutMs, setTimeoutMs)}
            </div>
          </>
        )}
      </div>
    </section>
  );
}
