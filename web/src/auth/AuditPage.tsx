import { useQuery } from '@tanstack/react-query';
import { errorMessage } from '../api/api.ts';
import { formatDate } from '../ui/format.ts';
import { authApi, authKeys } from './auth-api.ts';

/** Admins: who did what, newest first. */
export function AuditPage() {
  const audit = useQuery({ queryKey: authKeys.audit, queryFn: authApi.audit });
  return (
    <div className="page" data-testid="audit-page">
      <header className="page-header">
        <h1>Audit log</h1>
      </header>
      {audit.error && <p className="field-error">{errorMessage(audit.error)}</p>}
      {audit.isPending && <p className="muted">Loading…</p>}
      {audit.data && (
        <table className="table">
          <thead>
            <tr>
              <th>When</th>
              <th>Who</th>
              <th>What</th>
              <th>On</th>
              <th>Details</th>
            </tr>
          </thead>
          <tbody>
            {audit.data.map((entry) => (
              <tr key={entry.id} data-testid="audit-row">
                <td>{formatDate(entry.at)}</td>
                <td>
                  {entry.actor.email ?? 'system'} <span className="muted">({entry.actor.via})</span>
                </td>
                <td>{entry.action}</td>
                <td>
                  {entry.target.type} <code>{entry.target.id}</code>
                </td>
                <td>{entry.details === undefined ? '' : <code>{JSON.stringify(entry.details)}</code>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
