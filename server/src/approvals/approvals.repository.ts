import { APPROVALS_COLLECTION, approvalId } from '@pipewright/run-contract';
import type { Collection, Db } from 'mongodb';
import { z } from 'zod';
import { findOwned } from '../owned.ts';

/** An open approval, written by the worker when a run starts waiting for it (worker/src/approvals). */
const approvalRecordSchema = z.object({
  _id: z.string(),
  workspaceId: z.string(),
  runId: z.string(),
  flowId: z.string(),
  nodeId: z.string(),
  approvers: z.array(z.string()),
  title: z.string(),
  message: z.string().optional(),
  askedAt: z.date(),
  expiresAt: z.date().optional(),
});
export type ApprovalRecord = z.infer<typeof approvalRecordSchema>;

/**
 * The approvals index: only approvals in progress are kept (the worker removes one when its wait ends, the server
 * when a decision is accepted), so a workspace's listing reads a small collection.  The decision itself is the run's.
 */
export class ApprovalsRepository {
  readonly #approvals: Collection<ApprovalRecord>;

  constructor(db: Db) {
    this.#approvals = db.collection<ApprovalRecord>(APPROVALS_COLLECTION);
  }

  async listOpen(workspaceId: string): Promise<ApprovalRecord[]> {
    const found = await this.#approvals.find({ workspaceId }).sort({ askedAt: 1, _id: 1 }).limit(1000).toArray();
    return found.flatMap((item) => {
      const parsed = approvalRecordSchema.safeParse(item);
      return parsed.success ? [parsed.data] : [];
    });
  }

  async find(workspaceId: string, runId: string, nodeId: string): Promise<ApprovalRecord | null> {
    const found = await findOwned(this.#approvals, approvalId(runId, nodeId), workspaceId);
    return found === null ? null : approvalRecordSchema.parse(found);
  }

  /** By `_id` alone (FerretDB's index): the record's workspace was checked when it was read. */
  async remove(id: string): Promise<void> {
    await this.#approvals.deleteOne({ _id: id });
  }
}
