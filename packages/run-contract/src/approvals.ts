import type { UpdateDefinition } from '@temporalio/common';

/**
 * Approvals (docs/adr/018): a Wait in mode `approval` parks the run until a member it names decides.  The worker
 * writes one `approvals` document when the run reaches the node (the index the server lists from) and closes it when
 * the wait ends; the decision itself reaches the run as a Temporal update, which the run accepts once: the first
 * decision wins, whichever server sends it, and an update to a run that no longer waits is refused by the run.
 */

/** The MongoDB collection of approvals (written by the worker, read and closed by the server). */
export const APPROVALS_COLLECTION = 'approvals';

/** An approval's document id: one per run and node. */
export const approvalId = (runId: string, nodeId: string): string => `${runId}/${nodeId}`;

/** What the worker records when a run starts waiting for an approval (the `openApproval` activity's input). */
export interface OpenApprovalRequest {
  workspaceId: string;
  runId: string;
  flowId: string;
  nodeId: string;
  /** Who may decide: roles (`admin`: admins; `builder`: builders and above…), member e-mails or user ids. */
  approvers: string[];
  title: string;
  message?: string | undefined;
  /** Epoch ms, workflow time. */
  askedAt: number;
  /** Epoch ms; absent = no timeout. */
  expiresAt?: number | undefined;
}

export type ApprovalOutcome = 'approved' | 'rejected' | 'timed_out';

/** The `closeApproval` activity's input: the wait ended, this way. */
export interface CloseApprovalRequest {
  runId: string;
  nodeId: string;
  outcome: ApprovalOutcome;
}

/** A decision as the run receives it, and what the Wait node outputs (plus `approved`). */
export interface ApprovalDecision {
  nodeId: string;
  decision: 'approved' | 'rejected';
  comment?: string | undefined;
  decidedBy: { id: string; email: string };
  /** ISO date-time, the server's clock when the member decided. */
  decidedAt: string;
}

export const APPROVAL_UPDATE_NAME = 'decideApproval';

/**
 * Delivers a decision to the run.  Its validator refuses (the update is rejected, nothing is recorded) when the node
 * is not waiting for an approval now — not reached yet, decided already, timed out, or no approval at all.
 */
export const approvalUpdate = { type: 'update', name: APPROVAL_UPDATE_NAME } as UpdateDefinition<
  ApprovalDecision,
  [ApprovalDecision]
>;

/** The validator's refusal message starts with this, so a caller can tell "not waiting" from other failures. */
export const APPROVAL_NOT_WAITING = 'approval_not_waiting';
