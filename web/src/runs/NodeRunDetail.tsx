import type { RunNodeView } from '@pipewright/api-contract';
import { useEditor } from '../canvas/editor-context.ts';
import { formatDuration, formatJson } from '../ui/format.ts';
import { NodeAttempts } from './NodeAttempts.tsx';
import { describeRateLimitWait } from './rate-limit-wait.ts';
import { UndoRunDetail } from './UndoRunDetail.tsx';

/**
 * One node's part of a run: status, attempts, duration, input, output and error.  `view` overrides the run's own
 * view of the node (a Loop body node: its view in the picked `iteration`, 0-based).
 */
export function NodeRunDetail({
  nodeId,
  view: shownView,
  iteration,
}: {
  nodeId: string;
  view?: RunNodeView | undefined;
  iteration?: number | undefined;
}) {
  const runView = useEditor((state) => state.run.nodes[nodeId]);
  const view = shownView ?? (iteration === undefined ? runView : undefined);
  const stepType = useEditor((state) => state.document.doc.nodes.find((node) => node.id === nodeId)?.type);
  if (!view) {
    return (
      <div className="node-run-detail" data-testid="node-run-detail">
        <h3>{nodeId}</h3>
        <p className="muted">
          {iteration === undefined
            ? 'This step has not run (yet).'
            : `This step did not run in iteration ${iteration + 1} (or that iteration was not kept).`}
        </p>
      </div>
    );
  }
  const rateLimitWait = describeRateLimitWait(view.rateLimitWaitMs, stepType);
  const duration = view.startedAt !== undefined && view.endedAt !== undefined ? view.endedAt - view.startedAt : null;
  return (
    // A scrolling panel: keyboard users reach it with Tab to scroll it (axe: scrollable-region-focusable).
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scroll container needs focus to scroll with the keys
    <section className="node-run-detail" data-testid="node-run-detail" tabIndex={0} aria-label={`Step ${nodeId}`}>
      <h3>
        {nodeId} <span className={`badge status-${view.status}`}>{view.status}</span>
        {iteration !== undefined && (
          <span className="muted small" data-testid="node-iteration">
            {' '}
            iteration {iteration + 1} (item {iteration})
          </span>
        )}
      </h3>
      <dl className="facts">
        <dt>Attempts</dt>
        <dd data-testid="node-attempts">{view.attempts}</dd>
        <dt>Duration</dt>
        <dd data-testid="node-duration">{formatDuration(duration)}</dd>
      </dl>
      {iteration === undefined && view.reused !== true && <NodeAttempts nodeId={nodeId} />}
      {view.reused && (
        <p className="muted" data-testid="node-reused">
          Not run again: this retry reused its output from the failed run.
        </p>
      )}
      {rateLimitWait && (
        <p className="muted" data-testid="node-rate-limit-wait">
          {rateLimitWait}
        </p>
      )}
      {view.pausedBy && (
        <p className="message" data-testid="node-paused-by">
          Waiting: its {view.pausedBy.kind === 'connector' ? `connector type “${view.pausedBy.id}”` : 'credential'} is
          paused in this workspace. It runs when an admin resumes it, without using up an attempt.
        </p>
      )}
      {view.undo && <UndoRunDetail undo={view.undo} />}
      {view.error && (
        <section>
          <h4>Error</h4>
          <pre className="code error" data-testid="node-error">
            {view.error.message}
            {view.error.details === undefined ? '' : `\n\n${formatJson(view.error.details)}`}
          </pre>
        </section>
      )}
      <section>
        <h4>Output</h4>
        <pre className="code" data-testid="node-output">
          {formatJson(view.output)}
        </pre>
      </section>
      <section>
        <h4>Input</h4>
        <pre className="code" data-testid="node-input">
          {formatJson(view.input)}
        </pre>
      </section>
    </section>
  );
}
