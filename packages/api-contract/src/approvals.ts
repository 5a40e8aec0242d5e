/**
 * Approvals (docs/adr/018): runs waiting at a Wait in mode `approval` for a member to approve or reject.
 * `GET /api/approvals` lists the caller's; `POST /api/approvals/:runId/:nodeId` decides one.
 */

import { z } from 'zod';

/** The longest comment a decision may carry. */
export const MAX_APPROVAL_COMMENT = 2000;

/** One run waiting for the caller's decision. */
export interface PendingApprovalView {
  runId: string;
  nodeId: string;
  flowId: string;
  flowName: string;
  title: string;
  message?: string;
  /** Who may decide, as the flow names them (roles, e-mails, user ids). */
  approvers: string[];
  /** ISO date-times. */
  askedAt: string;
  expiresAt?: string;
}

export interface ApprovalsResponse {
  approvals: PendingApprovalView[];
}

export const decideApprovalBody = z
  .object({
    decision: z.enum(['approve', 'reject']),
    comment: z.string().max(MAX_APPROVAL_COMMENT).optional(),
  })
  .strict();
export type DecideApprovalBody = z.infer<typeof decideApprovalBody>;

/** What the run received (the Wait node's output, without `approved`). */
export interface ApprovalDecisionResponse {
  runId: string;
  nodeId: string;
  decision: 'approved' | 'rejected';
  comment?: string;
  decidedBy: { id: string; email: string };
  decidedAt: string;
}
