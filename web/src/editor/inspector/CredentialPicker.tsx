import type { FlowNode } from '@pipewright/flow';
import type { StepManifest } from '@pipewright/step-sdk';
import { errorMessage } from '../../api/api.ts';
import { useCredentials, useCredentialTypes } from '../../credentials/credentials-api.ts';
import { useNodeEditing } from './useNodeEditing.ts';

/** Where a node keeps its choices: `config.credentials = { <slot>: <credential id> }` (the worker reads it). */
const CONFIG_KEY = 'credentials';

function chosenCredentials(node: FlowNode): Record<string, string> {
  const value = node.config[CONFIG_KEY];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  return Object.fromEntries(
    Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
}

/** One select per credential slot the step declares, listing the workspace's credentials of that type by name. */
export function CredentialPicker(props: { node: FlowNode; manifest: StepManifest; disabled: boolean }) {
  const slots = Object.entries(props.manifest.credentials ?? {});
  const credentials = useCredentials();
  const types = useCredentialTypes();
  const editing = useNodeEditing(props.node.id);
  if (slots.length === 0) return null;
  const chosen = chosenCredentials(props.node);
  const choose = (slot: string, id: string) => {
    const next = { ...chosen };
    if (id === '') delete next[slot];
    else next[slot] = id;
    editing.setConfigField(CONFIG_KEY, Object.keys(next).length > 0 ? next : undefined);
    editing.seal();
  };
  return (
    <section className="form credential-picker" data-testid="credential-picker">
      <h3>Credentials</h3>
      {slots.map(([slot, type]) => {
        const options = (credentials.data ?? []).filter((credential) => credential.type === type);
        const current = chosen[slot] ?? '';
        const missing =
          current !== '' && credentials.data !== undefined && !options.some((option) => option.id === current);
        const title = types.data?.find((candidate) => candidate.type === type)?.title ?? type;
        return (
          <div className="form-row" key={slot}>
            <label htmlFor={`credential-slot-${slot}`}>
              {slot} <span className="muted small">({title})</span>
            </label>
            <select
              id={`credential-slot-${slot}`}
              className="input"
              data-testid={`credential-picker-${slot}`}
              value={current}
              disabled={props.disabled}
              onChange={(event) => choose(slot, event.target.value)}
            >
              <option value="">— choose a {title} credential —</option>
              {missing && <option value={current}>(deleted credential)</option>}
              {options.map((credential) => (
                <option key={credential.id} value={credential.id}>
                  {credential.name}
                </option>
              ))}
            </select>
            {missing && <p className="field-error">The chosen credential no longer exists: pick another one.</p>}
            {options.length === 0 && credentials.data && (
              <p className="help">No {title} credentials yet: an admin can add one on the Credentials page.</p>
            )}
          </div>
        );
      })}
      {credentials.error && <p className="field-error">{errorMessage(credentials.error)}</p>}
    </section>
  );
}
