import {
  APPROVALS_COLLECTION,
  approvalId,
  type CloseApprovalRequest,
  type OpenApprovalRequest,
} from '@pipewright/run-contract';
import { ApplicationFailure } from '@temporalio/activity';
import { type Db, MongoServerError } from 'mongodb';

const DUPLICATE_KEY = 11000;

/** An open approval as stored: what the server lists to its approvers (server/src/approvals). */
interface ApprovalDoc {
  _id: string;
  workspaceId: string;
  runId: string;
  flowId: string;
  nodeId: string;
  approvers: string[];
  title: string;
  message?: string;
  askedAt: Date;
  expiresAt?: Date;
}

export interface ApprovalActivities {
  openApproval(request: OpenApprovalRequest): Promise<void>;
  closeApproval(request: CloseApprovalRequest): Promise<void>;
}

/**
 * The approvals index (docs/adr/018): one document while a run waits for a decision, removed when the wait ends.
 * Idempotent both ways, so a retried activity changes nothing.  The decision itself lives in the run.
 */
export function createApprovalActivities(db: Db | undefined): ApprovalActivities {
  const approvals = db?.collection<ApprovalDoc>(APPROVALS_COLLECTION);
  const need = () => {
    if (approvals) return approvals;
    throw ApplicationFailure.nonRetryable('approvals need the database: start the worker with MongoDB');
  };
  return {
    async openApproval(request) {
      const doc: ApprovalDoc = {
        _id: approvalId(request.runId, request.nodeId),
        workspaceId: request.workspaceId,
        runId: request.runId,
        flowId: request.flowId,
        nodeId: request.nodeId,
        approvers: request.approvers,
        title: request.title,
        ...(request.message === undefined ? {} : { message: request.message }),
        askedAt: new Date(request.askedAt),
        ...(request.expiresAt === undefined ? {} : { expiresAt: new Date(request.expiresAt) }),
      };
      try {
        await need().insertOne(doc);
      } catch (error) {
        if (!(error instanceof MongoServerError && error.code === DUPLICATE_KEY)) throw error;
      }
    },
    async closeApproval(request) {
      await need().deleteOne({ _id: approvalId(request.runId, request.nodeId) });
    },
  };
}
