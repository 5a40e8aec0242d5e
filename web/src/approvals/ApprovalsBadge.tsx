import { usePendingApprovals } from './approvals-api.ts';

/** The nav's count of pending approvals (nothing when none). */
export function ApprovalsBadge() {
  const count = usePendingApprovals().data?.length ?? 0;
  if (count === 0) return null;
  return (
    <span className="badge nav-badge" data-testid="approvals-count" title={`${count} waiting for you`}>
      {count}
    </span>
  );
}
