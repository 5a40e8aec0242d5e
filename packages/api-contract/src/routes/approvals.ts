import type { ApiRoutes } from '../api-operation.ts';
import { approvalDecisionResponseSchema, approvalsResponseSchema, decideApprovalBody } from '../index.ts';

/** The OpenAPI entries of the approvals routes (merged in routes/index.ts). */
export const approvalsApiRoutes = {
  '/api/approvals': {
    get: {
      summary:
        'Viewer+: ApprovalsResponse — runs waiting at a Wait (mode approval) that the caller may decide: run, flow, node, title, message, asked at, expires at',
      responses: { 200: { description: 'ApprovalsResponse', body: approvalsResponseSchema } },
    },
  },
  '/api/approvals/{runId}/{nodeId}': {
    post: {
      summary:
        'Viewer+ named by the Wait’s approvers: `{ decision: approve | reject, comment? }` (comment ≤ 2000 characters). The run continues on the Wait’s `approved` or `rejected` output with `{ approved, decision, comment, decidedBy, decidedAt }`; the first decision wins. Recorded in the audit log',
      params: ['runId', 'nodeId'],
      body: decideApprovalBody,
      responses: {
        200: { description: 'ApprovalDecisionResponse: what the run received', body: approvalDecisionResponseSchema },
        400: 'Invalid decision or comment too long',
        403: 'The caller is not among the approvers',
        409: 'The run no longer waits there: decided already, timed out or ended',
      },
    },
  },
} satisfies ApiRoutes;
