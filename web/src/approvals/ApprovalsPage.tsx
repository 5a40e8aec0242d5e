import { MAX_APPROVAL_COMMENT, type PendingApprovalView } from '@pipewright/api-contract';
import { useState } from 'react';
import { errorMessage } from '../api/api.ts';
import { Link } from '../routing/Link.tsx';
import { paths } from '../routing/router.ts';
import { formatDate } from '../ui/format.ts';
import { useDecideApproval, usePendingApprovals } from './approvals-api.ts';

/** Runs waiting for the signed-in member's decision (a Wait in mode approval, docs/adr/018). */
export function ApprovalsPage() {
  const approvals = usePendingApprovals();
  return (
    <div className="page">
      <header className="page-header">
        <h1>Approvals</h1>
      </header>
      <p className="muted">Runs waiting for your decision. The run continues on its Approved or Rejected path.</p>
      {approvals.error && <p className="field-error">{errorMessage(approvals.error)}</p>}
      {approvals.isPending && <p className="muted">Loading…</p>}
      {approvals.data?.length === 0 && (
        <p className="muted" data-testid="approvals-empty">
          Nothing is waiting for you.
        </p>
      )}
      <ul className="approval-list" data-testid="approvals">
        {approvals.data?.map((approval) => (
          <ApprovalItem key={`${approval.runId}/${approval.nodeId}`} approval={approval} />
        ))}
      </ul>
    </div>
  );
}

function ApprovalItem({ approval }: { approval: PendingApprovalView }) {
  const decide = useDecideApproval();
  const [comment, setComment] = useState('');
  const testId = `approval-${approval.runId}-${approval.nodeId}`;
  const send = (decision: 'approve' | 'reject') => {
    const trimmed = comment.trim();
    decide.mutate({ approval, body: { decision, ...(trimmed ? { comment: trimmed } : {}) } });
  };
  return (
    <li className="card approval" data-testid={testId}>
      <h2 className="approval-title">{approval.title}</h2>
      {approval.message && <p className="approval-message">{approval.message}</p>}
      <p className="muted">
        {approval.flowName} · step {approval.nodeId} · asked {formatDate(approval.askedAt)}
        {approval.expiresAt && <> · expires {formatDate(approval.expiresAt)}</>} ·{' '}
        <Link to={paths.run(approval.runId)} testId={`${testId}-run`}>
          Open the run
        </Link>
      </p>
      <label className="form-row">
        <span>Comment (optional)</span>
        <textarea
          className="input"
          data-testid={`${testId}-comment`}
          maxLength={MAX_APPROVAL_COMMENT}
          rows={2}
          value={comment}
          onChange={(event) => setComment(event.target.value)}
        />
      </label>
      <div className="approval-actions">
        <button
          type="button"
          className="button primary"
          data-testid={`${testId}-approve`}
          disabled={decide.isPending}
          onClick={() => send('approve')}
        >
          Approve
        </button>
        <button
          type="button"
          className="button danger"
          data-testid={`${testId}-reject`}
          disabled={decide.isPending}
          onClick={() => send('reject')}
        >
          Reject
        </button>
      </div>
      {decide.error && (
        <p className="field-error" role="alert">
          {errorMessage(decide.error)}
        </p>
      )}
    </li>
  );
}
