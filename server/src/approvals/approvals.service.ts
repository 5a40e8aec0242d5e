import type { ApprovalDecisionResponse, DecideApprovalBody, PendingApprovalView } from '@pipewright/api-contract';
import { APPROVER_ROLES } from '@pipewright/control-steps';
import { type ApprovalDecision, approvalId, approvalUpdate } from '@pipewright/run-contract';
import { type Client, WorkflowUpdateFailedError } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import type { AuditService } from '../auth/audit.service.ts';
import { type AuthContext, AuthError, hasRole, type Role } from '../auth/auth-context.ts';
import { ApiError } from '../errors.ts';
import type { ApprovalRecord, ApprovalsRepository } from './approvals.repository.ts';

const isRole = (entry: string): entry is Role => (APPROVER_ROLES as readonly string[]).includes(entry);

/**
 * Whether the caller may decide: an approver entry names their user id, their e-mail (any case), or a role they have
 * or exceed (`builder` admits builders, developers and admins; `admin` only admins).
 */
export function mayDecide(auth: Pick<AuthContext, 'userId' | 'email' | 'role'>, approvers: string[]): boolean {
  const email = auth.email.toLowerCase();
  return approvers.some(
    (entry) => entry === auth.userId || entry.toLowerCase() === email || (isRole(entry) && hasRole(auth.role, entry)),
  );
}

const notWaiting = (runId: string, nodeId: string, why: string) =>
  new ApiError(409, 'approval_not_pending', `Run "${runId}" no longer waits for a decision at "${nodeId}": ${why}`);

/**
 * The approvals a member may decide, and their decisions (docs/adr/018).  The list comes from the approvals index
 * (written by the worker); the decision goes to the run as a Temporal update, which the run accepts once — so the
 * first decision wins across servers, and a run that no longer waits refuses it (409).
 */
export class ApprovalsService {
  readonly #approvals: ApprovalsRepository;
  readonly #temporal: Client;
  readonly #audit: AuditService;
  readonly #flowName: (workspaceId: string, flowId: string) => Promise<string>;
  readonly #requireRun: (workspaceId: string, runId: string) => Promise<unknown>;

  constructor(deps: {
    approvals: ApprovalsRepository;
    temporal: Client;
    audit: AuditService;
    flowName: (workspaceId: string, flowId: string) => Promise<string>;
    /** Rejects with a 404 ApiError when the workspace has no such run. */
    requireRun: (workspaceId: string, runId: string) => Promise<unknown>;
  }) {
    this.#approvals = deps.approvals;
    this.#temporal = deps.temporal;
    this.#audit = deps.audit;
    this.#flowName = deps.flowName;
    this.#requireRun = deps.requireRun;
  }

  /** The caller's pending approvals, oldest first: not expired, and their runs still running. */
  async listFor(auth: AuthContext, now = Date.now()): Promise<PendingApprovalView[]> {
    const open = (await this.#approvals.listOpen(auth.workspaceId)).filter(
      (record) =>
        mayDecide(auth, record.approvers) && (record.expiresAt === undefined || record.expiresAt.getTime() > now),
    );
    const running = await Promise.all(open.map((record) => this.#stillRunning(record)));
    const names = new Map<string, Promise<string>>();
    const nameOf = (flowId: string) => {
      let name = names.get(flowId);
      if (!name) {
        name = this.#flowName(auth.workspaceId, flowId).catch(() => flowId);
        names.set(flowId, name);
      }
      return name;
    };
    const pending = open.filter((_, index) => running[index]);
    return Promise.all(pending.map(async (record) => viewOf(record, await nameOf(record.flowId))));
  }

  async decide(
    auth: AuthContext,
    where: { runId: string; nodeId: string },
    body: DecideApprovalBody,
  ): Promise<ApprovalDecisionResponse> {
    const { runId, nodeId } = where;
    const record = await this.#approvals.find(auth.workspaceId, runId, nodeId);
    if (!record) {
      // Another workspace's run (or none) reads as 404; a run of this workspace that no longer waits here, 409.
      await this.#requireRun(auth.workspaceId, runId);
      throw new ApiError(
        409,
        'approval_not_pending',
        `Run "${runId}" has no pending approval at "${nodeId}" (decided already, timed out, or never asked)`,
      );
    }
    if (!mayDecide(auth, record.approvers)) {
      throw new AuthError(403, `You are not among the approvers of "${record.title}" (${record.approvers.join(', ')})`);
    }
    const comment = body.comment?.trim();
    const decision: ApprovalDecision = {
      nodeId,
      decision: body.decision === 'approve' ? 'approved' : 'rejected',
      ...(comment ? { comment } : {}),
      decidedBy: { id: auth.userId, email: auth.email },
      decidedAt: new Date().toISOString(),
    };
    try {
      await this.#temporal.workflow.getHandle(runId).executeUpdate(approvalUpdate, { args: [decision] });
    } catch (error) {
      if (error instanceof WorkflowNotFoundError || error instanceof WorkflowUpdateFailedError) {
        // The run ended, or its wait is over (decided by someone else, timed out): the index catches up.
        await this.#approvals.remove(record._id);
        throw notWaiting(
          runId,
          nodeId,
          error instanceof WorkflowNotFoundError ? 'the run has ended' : 'it was decided already or timed out',
        );
      }
      throw error;
    }
    await this.#approvals.remove(record._id);
    await this.#audit.record(auth, {
      action: `approval.${decision.decision === 'approved' ? 'approve' : 'reject'}`,
      target: { type: 'run', id: runId },
      details: { nodeId, title: record.title, ...(comment ? { comment } : {}) },
    });
    return {
      runId,
      nodeId,
      decision: decision.decision,
      ...(comment ? { comment } : {}),
      decidedBy: decision.decidedBy,
      decidedAt: decision.decidedAt,
    };
  }

  /** False (and the index entry removed) when the run has ended without closing it (terminated, failed elsewhere). */
  async #stillRunning(record: ApprovalRecord): Promise<boolean> {
    try {
      const described = await this.#temporal.workflow.getHandle(record.runId).describe();
      if (described.status.name === 'RUNNING') return true;
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) throw error;
    }
    await this.#approvals.remove(approvalId(record.runId, record.nodeId));
    return false;
  }
}

function viewOf(record: ApprovalRecord, flowName: string): PendingApprovalView {
  return {
    runId: record.runId,
    nodeId: record.nodeId,
    flowId: record.flowId,
    flowName,
    title: record.title,
    ...(record.message === undefined ? {} : { message: record.message }),
    approvers: record.approvers,
    askedAt: record.askedAt.toISOString(),
    ...(record.expiresAt === undefined ? {} : { expiresAt: record.expiresAt.toISOString() }),
  };
}
