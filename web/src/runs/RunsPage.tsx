import { errorMessage } from '../api/api.ts';
import { useWaitingRuns } from '../api/fairness.ts';
import { useFlow, useFlows } from '../api/queries.ts';
import { Link } from '../routing/Link.tsx';
import { navigate, paths } from '../routing/router.ts';
import { formatDate, formatDuration } from '../ui/format.ts';
import { RunsFilterBar } from './RunsFilterBar.tsx';
import { useRunsPages } from './runs-api.ts';
import { isUnfiltered, type RunsFilter } from './runs-filter.ts';

/**
 * Runs, filtered and paged ("load more" follows the server's cursor): a flow's runs (`flowId`), or the workspace's
 * with a flow picker.  A row opens the run view.  The filter lives in the URL (the app's route reads and writes it:
 * `runs-search.ts`), so reload, back/forward and a shared link keep it.
 */
export function RunsPage({
  flowId,
  filter,
  onFilterChange,
}: {
  flowId?: string;
  filter: RunsFilter;
  onFilterChange: (filter: RunsFilter) => void;
}) {
  const flows = useFlows();
  const runs = useRunsPages(filter);
  const items = runs.data?.pages.flatMap((page) => page.items) ?? [];
  const flowNames = new Map((flows.data ?? []).map((item) => [item.id, item.name]));
  return (
    <div className="page">
      <header className="page-header">
        <div>
          {flowId ? (
            <FlowBackLink flowId={flowId} />
          ) : (
            <Link to={paths.failures()} className="back-link">
              Failed-runs queue →
            </Link>
          )}
          <h1>Runs</h1>
        </div>
      </header>
      <WaitingLine flowId={flowId} />
      <RunsFilterBar
        // The form starts from the URL's filter, and again when back/forward or a link changes it.
        key={JSON.stringify(filter)}
        value={filter}
        onApply={onFilterChange}
        {...(flowId ? {} : { flows: flows.data ?? [] })}
      />
      {!isUnfiltered(filter) && (
        <p className="muted small">Filtered lists show open runs first, then by when they ended.</p>
      )}
      {runs.error && (
        <p className="field-error" data-testid="runs-error">
          {errorMessage(runs.error)}
        </p>
      )}
      {runs.isPending && <p className="muted">Loading…</p>}
      {runs.data && (
        <table className="table clickable" data-testid="runs-list">
          <thead>
            <tr>
              <th>Status</th>
              {!flowId && <th>Flow</th>}
              <th>Version</th>
              <th>Trigger</th>
              <th>Started</th>
              <th>Duration</th>
            </tr>
          </thead>
          <tbody>
            {items.length === 0 && (
              <tr>
                <td colSpan={flowId ? 5 : 6} className="muted">
                  {isUnfiltered(filter) ? 'No runs yet.' : 'No runs match these filters.'}
                </td>
              </tr>
            )}
            {items.map((run) => (
              <tr
                key={run.id}
                data-testid={`run-row-${run.id}`}
                data-status={run.status}
                onClick={() => navigate(paths.run(run.id))}
              >
                <td>
                  <span className={`badge status-${run.status}`}>{run.status}</span>
                  {run.retryOf && <span className="muted small"> retry</span>}
                  {run.rerunOf && <span className="muted small"> re-run</span>}
                </td>
                {!flowId && <td>{flowNames.get(run.flowId) ?? run.flowName}</td>}
                <td>{run.version === 0 ? 'draft' : `v${run.version}`}</td>
                <td>{run.trigger}</td>
                <td>{formatDate(run.startedAt)}</td>
                <td>{formatDuration(run.durationMs)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {runs.hasNextPage && (
        <button
          type="button"
          className="button"
          data-testid="runs-load-more"
          disabled={runs.isFetchingNextPage}
          onClick={() => void runs.fetchNextPage()}
        >
          {runs.isFetchingNextPage ? 'Loading…' : 'Load more'}
        </button>
      )}
    </div>
  );
}

/** How many of the workspace's (or this flow's) runs wait to start, and for how long the oldest has (docs/adr/027). */
function WaitingLine({ flowId }: { flowId: string | undefined }) {
  const waiting = useWaitingRuns();
  if (!waiting.data) return null;
  const flow = flowId === undefined ? undefined : waiting.data.flows.find((entry) => entry.flowId === flowId);
  const counts = flowId === undefined ? waiting.data : (flow ?? { waiting: 0, oldestAgeMs: null, refused: 0 });
  if (counts.waiting === 0 && counts.refused === 0) return null;
  return (
    <p className="muted small" data-testid="runs-waiting">
      {counts.waiting} {counts.waiting === 1 ? 'run waits' : 'runs wait'} to start
      {counts.oldestAgeMs !== null && <>, the oldest for {formatDuration(counts.oldestAgeMs)}</>}
      {counts.refused > 0 && (
        <>
          {' '}
          · {counts.refused} webhook {counts.refused === 1 ? 'delivery' : 'deliveries'} refused (429) at the ceiling in
          the last {waiting.data.windowMinutes} min
        </>
      )}
    </p>
  );
}

function FlowBackLink({ flowId }: { flowId: string }) {
  const flow = useFlow(flowId);
  return (
    <Link to={paths.editor(flowId)} className="back-link">
      ← {flow.data?.name ?? 'Flow'}
    </Link>
  );
}
