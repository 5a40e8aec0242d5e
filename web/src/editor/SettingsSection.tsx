import type { FlowNode, NodeSettings, RetrySettings } from '@pipewright/flow';
import type { StepManifest } from '@pipewright/step-sdk';
import { parseOptionalInt } from './form-fields.ts';
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
  return Object.keys(next).length ? next : undefined;
}

/** Engine policy a builder may override per node: retries and timeout (blank = the step's default). */
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
  if (manifest && manifest.kind !== 'action') return null;
  const settings = node.settings ?? {};
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
      </div>
    </section>
  );
}
