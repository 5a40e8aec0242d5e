import type { RunAttemptView } from '@pipewright/api-contract';
import { useEditor } from '../canvas/editor-context.ts';
import { formatDuration } from '../ui/format.ts';
import { useRunAttempts } from './run-history-api.ts';

/**
 * Every attempt of one step of the watched run: when it started, how long it took, why it failed.  Nothing for
 * steps that ran no activity (transforms run in the workflow and have no attempts to list).
 */
export function NodeAttempts({ nodeId }: { nodeId: string }) {
  const runId = useEditor((state) => state.run.runId);
  const status = useEditor((state) => state.run.status);
  // One read for the whole run (every step's attempts), again when its status or any attempt count changes.
  const attemptCount = useEditor((state) => totalAttempts(state.run.nodes));
  const query = useRunAttempts(runId, `${status ?? ''}:${attemptCount}`);
  const list = query.data?.[nodeId];
  if (!list || list.length === 0) return null;
  return (
    <section>
      <h4>Attempts</h4>
      <ol className="attempt-list" data-testid="node-attempt-list">
        {list.map((attempt) => (
          <AttemptRow key={attempt.attempt} attempt={attempt} />
        ))}
      </ol>
    </section>
  );
}

function AttemptRow({ attempt }: { attempt: RunAttemptView }) {
  return (
    <li
      className={`attempt-row attempt-${attempt.outcome}`}
      data-testid={`node-attempt-${attempt.attempt}`}
      data-outcome={attempt.outcome}
    >
      <span className="attempt-head">
        <strong>#{attempt.attempt}</strong>
        <span className={`badge status-${attempt.outcome}`}>{attempt.outcome}</span>
        <span className="muted small">
          {attempt.startedAt ? timeOfDay(attempt.startedAt) : 'start not kept'} · {formatDuration(attempt.durationMs)}
          {attempt.local ? ' · local' : ''}
        </span>
      </span>
      {attempt.error && (
        <span className="attempt-error" data-testid="node-attempt-error">
          {attempt.error.message}
          <span className="muted small">
            {' '}
            ({attempt.error.type ? `${attempt.error.type}, ` : ''}
            {attempt.error.retryable ? 'retryable' : 'not retryable'})
          </span>
        </span>
      )}
      {attempt.kept === false && (
        <span className="muted small">Not kept: this run started on a worker that did not keep every attempt.</span>
      )}
    </li>
  );
}

/** Attempts of every step of the run so far: a change means the history has news. */
export function totalAttempts(nodes: Record<string, { attempts: number }>): number {
  let sum = 0;
  for (const view of Object.values(nodes)) sum += view.attempts;
  return sum;
}

/** `14:03:07.512`, in the viewer's time zone. */
export function timeOfDay(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}
