import type { CredentialSummary } from '@pipewright/api-contract';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { errorMessage } from '../api/api.ts';
import { useCatalog } from '../api/queries.ts';
import { formatDate } from '../ui/format.ts';
import { connectorOf, pauseKeys, pausesApi, usePauses } from './pauses-api.ts';

/**
 * Admins pause a connector type or a credential for the whole workspace: steps that use it wait (without using up
 * attempts) and carry on when it is resumed.  Builders and viewers see what is paused; the server refuses their
 * changes with 403.
 */
export function StepPausesSection({ credentials }: { credentials: CredentialSummary[] }) {
  const queryClient = useQueryClient();
  const pauses = usePauses();
  const catalog = useCatalog();
  const [connector, setConnector] = useState('');
  const refresh = () => queryClient.invalidateQueries({ queryKey: pauseKeys.all });
  const change = useMutation({
    mutationFn: (action: () => Promise<unknown>) => action(),
    onSuccess: refresh,
  });
  const connectors = [...new Set([...(catalog.data?.keys() ?? [])].map(connectorOf))].sort();
  const pausedConnectors = pauses.data?.connectors ?? [];
  const pausedCredentials = new Map((pauses.data?.credentials ?? []).map((pause) => [pause.credentialId, pause]));

  return (
    <section className="card" data-testid="step-pauses">
      <h2>Paused connectors and credentials</h2>
      <p className="muted small">
        Steps that use a paused connector type or credential wait instead of failing, and carry on when it is resumed.
      </p>
      <div className="form-row">
        <select
          className="input"
          aria-label="Connector type"
          data-testid="connector-pause-select"
          value={connector}
          onChange={(event) => setConnector(event.target.value)}
        >
          <option value="">Choose a connector type…</option>
          {connectors.map((name) => (
            <option key={name} value={name} disabled={pausedConnectors.some((pause) => pause.connector === name)}>
              {name}
            </option>
          ))}
        </select>
        <button
          type="button"
          className="button"
          data-testid="connector-pause-button"
          disabled={connector === '' || change.isPending}
          onClick={() => change.mutate(() => pausesApi.pauseConnector(connector))}
        >
          Pause connector
        </button>
      </div>
      <table className="table" data-testid="paused-connectors">
        <tbody>
          {pausedConnectors.length === 0 && (
            <tr>
              <td className="muted">No connector type is paused.</td>
            </tr>
          )}
          {pausedConnectors.map((pause) => (
            <tr key={pause.connector} data-testid={`paused-connector-${pause.connector}`}>
              <td className="mono">{pause.connector}</td>
              <td className="muted small">
                paused by {pause.by.email ?? 'system'} {formatDate(pause.at)}
                {pause.reason ? ` — ${pause.reason}` : ''}
              </td>
              <td>
                <button
                  type="button"
                  className="button"
                  disabled={change.isPending}
                  onClick={() => change.mutate(() => pausesApi.resumeConnector(pause.connector))}
                >
                  Resume
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <table className="table" data-testid="credential-pauses">
        <tbody>
          {credentials.map((credential) => {
            const pause = pausedCredentials.get(credential.id);
            return (
              <tr key={credential.id}>
                <td>{credential.name}</td>
                <td className="muted small">
                  {pause ? `Paused by ${pause.by.email ?? 'system'} ${formatDate(pause.at)}` : 'In use'}
                </td>
                <td>
                  <button
                    type="button"
                    className="button"
                    data-testid={`credential-pause-${credential.id}`}
                    disabled={change.isPending}
                    onClick={() =>
                      change.mutate(() =>
                        pause ? pausesApi.resumeCredential(credential.id) : pausesApi.pauseCredential(credential.id),
                      )
                    }
                  >
                    {pause ? 'Resume' : 'Pause'}
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {(change.error ?? pauses.error) && <p className="field-error">{errorMessage(change.error ?? pauses.error)}</p>}
    </section>
  );
}
