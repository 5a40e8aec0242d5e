import type { CredentialDetail, CredentialTypeView } from '@pipewright/api-contract';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useMemo, useState } from 'react';
import { errorMessage } from '../api/api.ts';
import { type CredentialField, describeCredentialFields, formFromValues, valuesFromForm } from './credential-fields.ts';
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
  const allFields = useMemo(() => (type ? describeCredentialFields(type) : []), [type]);
  const fields = mode.kind === 'rotate' ? allFields.filter((field) => field.kind === 'secret') : allFields;
  const [name, setName] = useState(existing?.name ?? '');
  const [form, setForm] = useState<Record<string, string | boolean>>(() =>
    existing && mode.kind === 'edit' ? formFromValues(allFields, existing.publicValues) : {},
  );

  const save = useMutation({
    mutationFn: async () => {
      const values = valuesFromForm(fields, form);
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
      {fields.map((field) => (
        <FieldRow
          key={`${typeId}:${field.name}`}
          field={field}
          value={form[field.name]}
          saved={existing?.secretFieldsSet.includes(field.name) === true && mode.kind === 'edit'}
          onChange={(value) => setForm((current) => ({ ...current, [field.name]: value }))}
        />
      ))}
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

function FieldRow(props: {
  field: CredentialField;
  value: string | boolean | undefined;
  saved: boolean;
  onChange(value: string | boolean): void;
}) {
  const { field, value, saved, onChange } = props;
  const id = `credential-field-${field.name}`;
  const placeholder =
    field.kind === 'secret' && saved
      ? 'saved — leave empty to keep'
      : (field.placeholder ?? (field.defaultValue !== undefined ? `default: ${String(field.defaultValue)}` : ''));
  return (
    <div className="form-row">
      <label htmlFor={id} className={field.kind === 'toggle' ? 'toggle-label' : ''}>
        {field.label}
        {field.required && <span className="required">*</span>}
      </label>
      {field.kind === 'toggle' ? (
        <input
          id={id}
          type="checkbox"
          data-testid={id}
          checked={value === true || (value === undefined && field.defaultValue === true)}
          onChange={(event) => onChange(event.target.checked)}
        />
      ) : (
        <input
          id={id}
          className="input"
          data-testid={id}
          type={field.kind === 'secret' ? 'password' : field.kind === 'number' ? 'number' : 'text'}
          autoComplete={field.kind === 'secret' ? 'new-password' : 'off'}
          value={typeof value === 'string' ? value : ''}
          placeholder={placeholder}
          onChange={(event) => onChange(event.target.value)}
        />
      )}
      {field.kind === 'list' && <p className="help">Separate items with commas.</p>}
      {field.help && <p className="help">{field.help}</p>}
    </div>
  );
}
