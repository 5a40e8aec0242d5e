/**
 * Approvals (docs/adr/018): runs waiting at a Wait in mode `approval` for a member to approve or reject.
 * `GET /api/approvals` lists the caller's; `POST /api/approvals/:runId/:nodeId` decides one.
 */

import { z } from 'zod';

/** The longest comment a decision may carry. */
export const MAX_APPROVAL_COMMENT = 2000;

/** One run waiting for the caller's decision. */
export const pendingApprovalViewSchema = z.object({
  runId: z.string(),
  nodeId: z.string(),
  flowId: z.string(),
  flowName: z.string(),
  title: z.string(),
  message: z.string().exactOptional(),
  /** Who may decide, as the flow names them (roles, e-mails, user ids). */
  approvers: z.array(z.string()),
  /** ISO date-times. */
  askedAt: z.string(),
  expiresAt: z.string().exactOptional(),
});
export type PendingApprovalView = z.infer<typeof pendingApprovalViewSchema>;

export const approvalsResponseSchema = z.object({ approvals: z.array(pendingApprovalViewSchema) });
export type ApprovalsResponse = z.infer<typeof approvalsResponseSchema>;

export const decideApprovalBody = z
  .object({
    decision: z.enum(['approve', 'reject']),
    comment: z.string().max(MAX_APPROVAL_COMMENT).optional(),
  })
  .strict();
export type DecideApprovalBody = z.infer<typeof decideApprovalBody>;

/** What the run received (the Wait node's output, without `approved`). */
export const approvalDecisionResponseSchema = z.object({
  runId: z.string(),
  nodeId: z.string(),
  decision: z.enum(['approved', 'rejected']),
  comment: z.string().exactOptional(),
  decidedBy: z.object({ id: z.string(), email: z.string() }),
  decidedAt: z.string(),
});
export type ApprovalDecisionResponse = z.infer<typeof approvalDecisionResponseSchema>;
