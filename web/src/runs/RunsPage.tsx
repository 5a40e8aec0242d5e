import { errorMessage } from '../api/api.ts';
import { useFlow, useRuns } from '../api/queries.ts';
import { Link } from '../routing/Link.tsx';
import { navigate, paths } from '../routing/router.ts';
import { formatDate, formatDuration } from '../ui/format.ts';

/** A flow's runs, newest first; a row opens the run view. */
export function RunsPage({ flowId }: { flowId: string }) {
  const flow = useFlow(flowId);
  const runs = useRuns(flowId);
  return (
    <div className="page">
      <header className="page-header">
        <div>
          <Link to={paths.editor(flowId)} className="back-link">
            ← {flow.data?.name ?? 'Flow'}
          </Link>
          <h1>Runs</h1>
        </div>
      </header>
      {runs.error && <p className="field-error">{errorMessage(runs.error)}</p>}
      {runs.isPending && <p className="muted">Loading…</p>}
      {runs.data && (
        <table className="table clickable" data-testid="runs-list">
          <thead>
            <tr>
              <th>Status</th>
              <th>Version</th>
              <th>Trigger</th>
              <th>Started</th>
              <th>Duration</th>
            </tr>
          </thead>
          <tbody>
            {runs.data.length === 0 && (
              <tr>
                <td colSpan={5} className="muted">
                  No runs yet.
                </td>
              </tr>
            )}
            {runs.data.map((run) => (
              <tr
                key={run.id}
                data-testid={`run-row-${run.id}`}
                data-status={run.status}
                onClick={() => navigate(paths.run(run.id))}
              >
                <td>
                  <span className={`badge status-${run.status}`}>{run.status}</span>
                </td>
                <td>{run.version === 0 ? 'draft' : `v${run.version}`}</td>
                <td>{run.trigger}</td>
                <td>{formatDate(run.startedAt)}</td>
                <td>{formatDuration(run.durationMs)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
