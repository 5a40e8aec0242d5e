import { errorMessage } from '../api/api.ts';
import { formatDuration } from '../ui/format.ts';
import { timeOfDay } from './NodeAttempts.tsx';
import { useRunHistoryPages } from './run-history-api.ts';

const sizeText = (bytes: number) =>
  bytes < 1024
    ? `${bytes} B`
    : bytes < 1024 * 1024
      ? `${(bytes / 1024).toFixed(1)} KB`
      : `${(bytes / 1048576).toFixed(1)} MB`;

/** The run's Temporal event history in words: what happened when, how long it took, payload sizes (never bodies). */
export function RunHistory({ runId, revision }: { runId: string; revision: string }) {
  const history = useRunHistoryPages(runId, revision);
  if (history.error) return <p className="field-error page">{errorMessage(history.error)}</p>;
  if (!history.data) return <p className="muted page">Loading the history…</p>;
  const pages = history.data.pages;
  const rows = pages.flatMap((page) => page.events);
  return (
    <div className="run-history" data-testid="run-history">
      {pages[0]?.truncated && (
        <p className="muted small" data-testid="run-history-truncated">
          This run’s history is longer than the server reads for one view; the newest events are not shown.
        </p>
      )}
      {rows.length === 0 ? (
        <p className="muted">No history yet: Temporal has not started this run.</p>
      ) : (
        <table className="run-history-table">
          <thead>
            <tr>
              <th className="rh-cell rh-head">Time</th>
              <th className="rh-cell rh-head">Event</th>
              <th className="rh-cell rh-head">Took</th>
              <th className="rh-cell rh-head">Size</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr
                key={row.eventId}
                className={row.failed ? 'run-history-failed' : undefined}
                data-testid="run-history-row"
                data-event-type={row.type}
                title={`#${row.eventId} ${row.type}`}
              >
                <td className="rh-cell rh-time muted small">{timeOfDay(row.time)}</td>
                <td className="rh-cell rh-text">{row.text}</td>
                <td className="rh-cell muted small">
                  {row.durationMs === undefined ? '' : formatDuration(row.durationMs)}
                </td>
                <td className="rh-cell muted small">{row.bytes === undefined ? '' : sizeText(row.bytes)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {history.hasNextPage && (
        <button
          type="button"
          className="button"
          disabled={history.isFetchingNextPage}
          onClick={() => void history.fetchNextPage()}
        >
          Show more
        </button>
      )}
    </div>
  );
}
