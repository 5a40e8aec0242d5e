import type { RunNodeView, RunUndoView } from '@pipewright/api-contract';
import { formatDuration, formatJson } from '../ui/format.ts';

const UNDO_LABELS: Record<RunUndoView['status'], string> = {
  running: 'undoing',
  succeeded: 'undone',
  failed: 'undo failed',
};

/** The mark a node gets once the run's compensation reached it (docs/adr/015); `testId` defaults to its row's. */
export function UndoBadge({
  nodeId,
  undo,
  testId = `run-node-undo-${nodeId}`,
}: {
  nodeId: string;
  undo: RunUndoView;
  testId?: string;
}) {
  return (
    <span className={`badge undo-${undo.status}`} data-testid={testId} data-undo-status={undo.status}>
      {UNDO_LABELS[undo.status]}
    </span>
  );
}

/**
 * The compensation path of a failed run: the nodes whose undo step ran, in the order they ran (the reverse of the
 * order the nodes completed), each with how its undo ended.  Nothing for runs without compensation.
 */
export function CompensationPath({ nodes }: { nodes: Record<string, RunNodeView> }) {
  const undone = Object.entries(nodes)
    .flatMap(([id, view]) => (view.undo ? [{ id, undo: view.undo }] : []))
    .sort((a, b) => (a.undo.startedAt ?? 0) - (b.undo.startedAt ?? 0));
  if (undone.length === 0) return null;
  const failed = undone.filter((entry) => entry.undo.status === 'failed').map((entry) => entry.id);
  const running = undone.some((entry) => entry.undo.status === 'running');
  return (
    <p className="compensation-path" data-testid="compensation-path">
      <strong>Compensation</strong>{' '}
      {running ? 'in progress' : failed.length > 0 ? `failed at ${failed.join(', ')}` : 'completed'}:{' '}
      {undone.map((entry, index) => (
        <span key={entry.id} data-testid="compensation-step" data-node-id={entry.id}>
          {index > 0 && ' → '}
          undo {entry.id} <UndoBadge nodeId={entry.id} undo={entry.undo} testId={`compensation-undo-${entry.id}`} />
        </span>
      ))}
    </p>
  );
}

/** A node's undo step in its run detail: status, attempts, duration, and what it was sent and returned. */
export function UndoRunDetail({ undo }: { undo: RunUndoView }) {
  const duration = undo.startedAt !== undefined && undo.endedAt !== undefined ? undo.endedAt - undo.startedAt : null;
  return (
    <section className="undo-run-detail" data-testid="node-undo">
      <h4>
        Undo{' '}
        <span className={`badge status-${undo.status}`} data-testid="node-undo-status">
          {undo.status}
        </span>
      </h4>
      <p className="muted small">A later step failed the run, so this step was undone.</p>
      <dl className="facts">
        <dt>Attempts</dt>
        <dd data-testid="node-undo-attempts">{undo.attempts}</dd>
        <dt>Duration</dt>
        <dd>{formatDuration(duration)}</dd>
      </dl>
      {undo.error && (
        <pre className="code error" data-testid="node-undo-error">
          {undo.error.message}
          {undo.error.details === undefined ? '' : `\n\n${formatJson(undo.error.details)}`}
        </pre>
      )}
      <h4>Undo output</h4>
      <pre className="code" data-testid="node-undo-output">
        {formatJson(undo.output)}
      </pre>
      <h4>Undo input</h4>
      <pre className="code" data-testid="node-undo-input">
        {formatJson(undo.input)}
      </pre>
    </section>
  );
}
