import type { FlowRolloutSummary, RolloutView } from '@pipewright/api-contract';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { errorMessage } from '../../api/api.ts';
import { queryKeys, usePromoteRollout, useRollbackRollout, useRollout } from '../../api/queries.ts';
import { Dialog } from '../../ui/Dialog.tsx';
import { formatDate } from '../../ui/format.ts';
import type { RolloutMessage } from './rollout-props.ts';
import { comparisonRows, describeRollout } from './rollout-view.ts';

interface RolloutPanelProps {
  flowId: string;
  rollout: FlowRolloutSummary;
  /** The editor is saving, publishing or starting a run. */
  busy: boolean;
  report(message: RolloutMessage): void;
}

type Decision = 'promote' | 'rollback';

/** A rollout in progress: which version on what share since when, both versions compared, promote or roll back. */
export function RolloutPanel({ flowId, rollout, busy, report }: RolloutPanelProps) {
  const queryClient = useQueryClient();
  const view = useRollout(flowId);
  const promote = usePromoteRollout(flowId);
  const rollback = useRollbackRollout(flowId);
  const [deciding, setDeciding] = useState<Decision | null>(null);
  const pending = promote.isPending || rollback.isPending;
  const { version } = rollout;

  // When the rollout ended elsewhere (another builder promoted it), the flow is refreshed and this panel goes.
  const ended = view.data?.rollout === null;
  useEffect(() => {
    if (ended) void queryClient.invalidateQueries({ queryKey: queryKeys.flow(flowId), exact: true });
  }, [ended, queryClient, flowId]);

  // mutateAsync rather than mutate's callbacks: the refreshed flow has no rollout, so this panel unmounts before
  // they would run, and the outcome still belongs in the editor's message line.
  const decide = async (decision: Decision) => {
    try {
      const decided =
        decision === 'promote'
          ? `Version ${(await promote.mutateAsync()).version} promoted`
          : `Version ${(await rollback.mutateAsync()).version} rolled back`;
      report({ tone: 'success', text: decided });
    } catch (error) {
      report({ tone: 'error', text: errorMessage(error) });
    } finally {
      setDeciding(null);
    }
  };

  return (
    <section className="topbar-row rollout-panel" data-testid="rollout-panel" aria-label="Rollout in progress">
      <div className="rollout-summary">
        <p
          className="rollout-headline"
          data-testid="rollout-headline"
          title={view.data?.rollout ? `Started by ${view.data.rollout.startedBy}` : undefined}
        >
          {describeRollout(rollout, formatDate(rollout.startedAt))}
        </p>
        {view.data?.rollout ? (
          <Comparison view={view.data.rollout} />
        ) : view.isError ? (
          <p className="field-error small">Could not load the comparison: {errorMessage(view.error)}</p>
        ) : (
          <p className="muted small">{view.isPending ? 'Comparing the versions…' : 'The rollout has ended.'}</p>
        )}
      </div>
      <span className="spacer" />
      <div className="rollout-actions">
        <button
          type="button"
          className="button primary"
          data-testid="rollout-promote"
          disabled={busy || pending}
          onClick={() => setDeciding('promote')}
        >
          Promote version {version}
        </button>
        <button
          type="button"
          className="button danger"
          data-testid="rollout-rollback"
          disabled={busy || pending}
          onClick={() => setDeciding('rollback')}
        >
          Roll back
        </button>
      </div>
      {deciding && (
        <ConfirmDecision
          decision={deciding}
          version={version}
          pending={pending}
          onConfirm={() => void decide(deciding)}
          onCancel={() => setDeciding(null)}
        />
      )}
    </section>
  );
}

function Comparison({ view }: { view: RolloutView }) {
  return (
    <table className="table rollout-comparison" data-testid="rollout-comparison">
      <caption className="visually-hidden">The current and the new version compared, since the rollout started</caption>
      <thead>
        <tr>
          <th scope="col">Version</th>
          <th scope="col">Runs</th>
          <th scope="col">Succeeded</th>
          <th scope="col">Failed</th>
          <th scope="col">Running</th>
          <th scope="col">Success rate</th>
          <th scope="col">Latency p50</th>
          <th scope="col">Latency p95</th>
        </tr>
      </thead>
      <tbody>
        {comparisonRows(view).map((row) => (
          <tr key={row.role} data-testid={`rollout-row-${row.role}`}>
            <th scope="row">{row.label}</th>
            <td data-testid={`rollout-${row.role}-runs`}>{row.runs}</td>
            <td>{row.succeeded}</td>
            <td>{row.failed}</td>
            <td>{row.running}</td>
            <td>{row.successRate}</td>
            <td>{row.p50}</td>
            <td>{row.p95}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

interface ConfirmDecisionProps {
  decision: Decision;
  version: number;
  pending: boolean;
  onConfirm(): void;
  onCancel(): void;
}

/** Asks before promoting or rolling back; focus moves to Cancel (the first button) on open and back on close. */
function ConfirmDecision({ decision, version, pending, onConfirm, onCancel }: ConfirmDecisionProps) {
  const promoting = decision === 'promote';
  return (
    <Dialog
      title={promoting ? `Promote version ${version}?` : `Roll back version ${version}?`}
      testId="rollout-confirm"
      onClose={onCancel}
    >
      <p>
        {promoting
          ? `Version ${version} becomes the flow's version and runs every new run.`
          : `Version ${version} runs no more new runs; the current version runs them all. The draft is unchanged.`}
      </p>
      <div className="dialog-actions">
        <button type="button" className="button" data-testid="rollout-confirm-cancel" onClick={onCancel}>
          Cancel
        </button>
        <button
          type="button"
          className={`button ${promoting ? 'primary' : 'danger'}`}
          data-testid="rollout-confirm-ok"
          disabled={pending}
          onClick={onConfirm}
        >
          {pending ? (promoting ? 'Promoting…' : 'Rolling back…') : promoting ? 'Promote' : 'Roll back'}
        </button>
      </div>
    </Dialog>
  );
}
