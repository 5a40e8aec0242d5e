import type { CredentialDetail, CredentialTypeView } from '@pipewright/api-contract';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useMemo, useState } from 'react';
import { errorMessage } from '../api/api.ts';
import { SchemaForm } from '../ui/schema-form/SchemaForm.tsx';
import { credentialFormSchemas, prefillValues, valuesToSend } from './credential-form-schema.ts';
import { credentialKeys, credentialsApi } from './credentials-api.ts';

export type CredentialFormMode =
  | { kind: 'create' }
  | { kind: 'edit'; credential: CredentialDetail }
  | { kind: 'rotate'; credential: CredentialDetail };

/**
 * Create a credential, edit one (rename, change fields; a secret left empty keeps its saved value), or rotate its
 * secret (secret fields only, all required).  Generated from the type's field schema; secrets are password inputs
 * and are never prefilled — the API never returns them.
 */
export function CredentialForm(props: { types: CredentialTypeView[]; mode: CredentialFormMode; onDone(): void }) {
  const { types, mode, onDone } = props;
  const queryClient = useQueryClient();
  const existing = mode.kind === 'create' ? undefined : mode.credential;
  const [typeId, setTypeId] = useState(existing?.type ?? types[0]?.type ?? '');
  const type = types.find((candidate) => candidate.type === typeId);
  const savedSecrets = mode.kind === 'edit' ? mode.credential.secretFieldsSet : undefined;
  const schemas = useMemo(
    () => (type ? credentialFormSchemas(type, { kind: mode.kind, savedSecrets: savedSecrets ?? [] }) : undefined),
    [type, mode.kind, savedSecrets],
  );
  const [name, setName] = useState(existing?.name ?? '');
  const [form, setForm] = useState<Record<string, unknown>>(() =>
    existing && type && mode.kind === 'edit' ? prefillValues(type, existing.publicValues) : {},
  );

  const save = useMutation({
    mutationFn: async () => {
      const values = valuesToSend(form);
      if (mode.kind === 'create') return credentialsApi.create({ name: name.trim(), type: typeId, values });
      if (mode.kind === 'rotate') return credentialsApi.rotate(mode.credential.id, { values });
      const renamed = name.trim() !== mode.credential.name;
      return credentialsApi.update(mode.credential.id, {
        ...(renamed ? { name: name.trim() } : {}),
        ...(Object.keys(values).length > 0 || !renamed ? { values } : {}),
      });
    },
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: credentialKeys.list });
      onDone();
    },
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  const title =
    mode.kind === 'create'
      ? 'New credential'
      : mode.kind === 'rotate'
        ? `Rotate the secret of “${existing?.name}”`
        : `Edit “${existing?.name}”`;

  return (
    <form className="card credential-form form" data-testid="credential-form" onSubmit={submit}>
      <h2>{title}</h2>
      {mode.kind === 'create' && (
        <div className="form-row">
          <label htmlFor="credential-type">Type</label>
          <select
            id="credential-type"
            className="input"
            data-testid="credential-type"
            value={typeId}
            onChange={(event) => {
              setTypeId(event.target.value);
              setForm({});
            }}
          >
            {types.map((candidate) => (
              <option key={candidate.type} value={candidate.type}>
                {candidate.title}
              </option>
            ))}
          </select>
          {type && <p className="help">{type.description}</p>}
        </div>
      )}
      {mode.kind !== 'rotate' && (
        <div className="form-row">
          <label htmlFor="credential-name">Name</label>
          <input
            id="credential-name"
            className="input"
            data-testid="credential-name"
            value={name}
            placeholder="e.g. Production CRM"
            onChange={(event) => setName(event.target.value)}
          />
        </div>
      )}
      {schemas && (
        <SchemaForm
          key={typeId}
          schema={schemas.schema}
          uiSchema={schemas.uiSchema}
          value={form}
          idPrefix="credential-field"
          onFieldChange={(field, value) => setForm((current) => ({ ...current, [field]: value }))}
        />
      )}
      <div className="button-row">
        <button
          type="submit"
          className="button primary"
          data-testid="credential-save"
          disabled={save.isPending || (mode.kind !== 'rotate' && !name.trim()) || !type}
        >
          {save.isPending ? 'Saving…' : mode.kind === 'rotate' ? 'Rotate' : 'Save'}
        </button>
        <button type="button" className="button" onClick={onDone}>
          Cancel
        </button>
      </div>
      {save.error && (
        <p className="field-error" data-testid="credential-error">
          {errorMessage(save.error)}
        </p>
      )}
    </form>
  );
}
