import type { CredentialSummary, CredentialTestResult, CredentialTypeView } from '@pipewright/api-contract';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { errorMessage } from '../api/api.ts';
import { StepPausesSection } from '../pauses/StepPausesSection.tsx';
import { formatDate } from '../ui/format.ts';
import { CredentialForm } from './CredentialForm.tsx';
import { credentialKeys, credentialsApi, useCredentials, useCredentialTypes } from './credentials-api.ts';
import { NetworkAccessForm } from './NetworkAccessForm.tsx';

type Panel = { kind: 'none' } | { kind: 'create' } | { kind: 'edit' | 'rotate'; id: string };

/**
 * Admins create, test, rename, rotate and delete credentials here; builders see the list (names only) and pick
 * credentials in the node inspector.  The server enforces roles; buttons a role may not use answer with its 403.
 */
export function CredentialsPage() {
  const types = useCredentialTypes();
  const credentials = useCredentials();
  const [panel, setPanel] = useState<Panel>({ kind: 'none' });
  const typeTitle = (type: string) => types.data?.find((candidate) => candidate.type === type)?.title ?? type;

  return (
    <div className="page" data-testid="credentials-page">
      <header className="page-header">
        <h1>Credentials</h1>
        <span className="spacer" />
        <button
          type="button"
          className="button primary"
          data-testid="credential-create"
          onClick={() => setPanel({ kind: 'create' })}
        >
          + New credential
        </button>
      </header>
      <p className="muted small">
        Secrets are encrypted when saved and never shown again — not here, not in runs, not in logs.
      </p>
      <OAuth2Result />
      {types.data && panel.kind === 'create' && (
        <CredentialForm types={types.data} mode={{ kind: 'create' }} onDone={() => setPanel({ kind: 'none' })} />
      )}
      {types.data && (panel.kind === 'edit' || panel.kind === 'rotate') && (
        <EditPanel
          key={`${panel.kind}:${panel.id}`}
          types={types.data}
          panel={panel}
          onDone={() => setPanel({ kind: 'none' })}
        />
      )}
      {(credentials.error ?? types.error) && (
        <p className="field-error">{errorMessage(credentials.error ?? types.error)}</p>
      )}
      {credentials.isPending && <p className="muted">Loading…</p>}
      {credentials.data && (
        <table className="table" data-testid="credentials-list">
          <thead>
            <tr>
              <th>Name</th>
              <th>Type</th>
              <th>Updated</th>
              <th>Last used</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {credentials.data.length === 0 && (
              <tr>
                <td colSpan={5} className="muted">
                  No credentials yet.
                </td>
              </tr>
            )}
            {credentials.data.map((credential) => (
              <CredentialRow
                key={credential.id}
                credential={credential}
                typeTitle={typeTitle(credential.type)}
                onEdit={() => setPanel({ kind: 'edit', id: credential.id })}
                onRotate={() => setPanel({ kind: 'rotate', id: credential.id })}
              />
            ))}
          </tbody>
        </table>
      )}
      {credentials.data && <StepPausesSection credentials={credentials.data} />}
    </div>
  );
}

function EditPanel(props: {
  types: CredentialTypeView[];
  panel: { kind: 'edit' | 'rotate'; id: string };
  onDone(): void;
}) {
  const detail = useQuery({
    queryKey: credentialKeys.detail(props.panel.id),
    queryFn: () => credentialsApi.get(props.panel.id),
    gcTime: 0,
  });
  if (detail.error) return <p className="field-error">{errorMessage(detail.error)}</p>;
  if (!detail.data) return <p className="muted">Loading…</p>;
  return (
    <>
      <CredentialForm
        types={props.types}
        mode={{ kind: props.panel.kind, credential: detail.data }}
        onDone={props.onDone}
      />
      {props.panel.kind === 'edit' && <NetworkAccessForm credential={detail.data} />}
    </>
  );
}

function CredentialRow(props: { credential: CredentialSummary; typeTitle: string; onEdit(): void; onRotate(): void }) {
  const { credential } = props;
  const queryClient = useQueryClient();
  const [confirmDelete, setConfirmDelete] = useState(false);
  const test = useMutation<CredentialTestResult>({ mutationFn: () => credentialsApi.test(credential.id) });
  const remove = useMutation({
    mutationFn: () => credentialsApi.delete(credential.id),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: credentialKeys.list }),
  });
  const connect = useMutation({
    mutationFn: () => credentialsApi.startOAuth2(credential.id),
    onSuccess: ({ authorizeUrl }) => window.location.assign(authorizeUrl),
  });
  const error = test.error ?? remove.error ?? connect.error;
  return (
    <tr data-testid={`credential-row-${credential.name}`}>
      <td>{credential.name}</td>
      <td>{props.typeTitle}</td>
      <td>{formatDate(credential.updatedAt)}</td>
      <td>{credential.lastUsedAt ? formatDate(credential.lastUsedAt) : <span className="muted">never</span>}</td>
      <td className="credential-actions">
        <button
          type="button"
          className="button"
          data-testid="credential-test"
          disabled={test.isPending}
          onClick={() => test.mutate()}
        >
          {test.isPending ? 'Testing…' : 'Test'}
        </button>
        {credential.type === 'oauth2' && (
          <button
            type="button"
            className="button"
            data-testid="credential-oauth2-connect"
            disabled={connect.isPending}
            onClick={() => connect.mutate()}
          >
            Connect
          </button>
        )}
        <button type="button" className="button" data-testid="credential-rename" onClick={props.onEdit}>
          Edit
        </button>
        <button type="button" className="button" data-testid="credential-rotate" onClick={props.onRotate}>
          Rotate
        </button>
        {confirmDelete ? (
          <button
            type="button"
            className="button danger"
            data-testid="credential-delete-confirm"
            onClick={() => remove.mutate()}
          >
            Really delete
          </button>
        ) : (
          <button
            type="button"
            className="button"
            data-testid="credential-delete"
            onClick={() => setConfirmDelete(true)}
          >
            Delete
          </button>
        )}
        {test.data && (
          <span className={`message ${test.data.ok ? 'success' : 'error'}`} data-testid="credential-test-result">
            {test.data.ok ? 'Connected' : test.data.message}
          </span>
        )}
        {error && <span className="field-error">{errorMessage(error)}</span>}
      </td>
    </tr>
  );
}

/** The outcome of an OAuth2 connection, from the query string the server's callback redirected to. */
function OAuth2Result() {
  const params = new URLSearchParams(window.location.search);
  const outcome = params.get('oauth2');
  if (outcome === 'connected') {
    return (
      <p className="message success" data-testid="oauth2-result">
        Connected: the tokens are stored encrypted and refreshed automatically.
      </p>
    );
  }
  if (outcome === 'error') {
    return (
      <p className="field-error" data-testid="oauth2-result">
        The connection failed ({params.get('reason') ?? 'unknown reason'}): check the app’s settings and try again.
      </p>
    );
  }
  return null;
}
