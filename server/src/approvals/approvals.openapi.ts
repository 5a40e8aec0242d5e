import { decideApprovalBody } from '@pipewright/api-contract';
import type { ApiRoutes } from '../openapi-operation.ts';

/** The OpenAPI entries of the approvals routes (merged into openapi.ts). */
export const approvalsApiRoutes: ApiRoutes = {
  '/api/approvals': {
    get: {
      summary:
        'Viewer+: ApprovalsResponse — runs waiting at a Wait (mode approval) that the caller may decide: run, flow, node, title, message, asked at, expires at',
      responses: { 200: 'ApprovalsResponse' },
    },
  },
  '/api/approvals/{runId}/{nodeId}': {
    post: {
      summary:
        'Viewer+ named by the Wait’s approvers: `{ decision: approve | reject, comment? }` (comment ≤ 2000 characters). The run continues on the Wait’s `approved` or `rejected` output with `{ approved, decision, comment, decidedBy, decidedAt }`; the first decision wins. Recorded in the audit log',
      params: ['runId', 'nodeId'],
      body: decideApprovalBody,
      responses: {
        200: 'ApprovalDecisionResponse',
        400: 'Invalid decision or comment too long',
        403: 'The caller is not among the approvers',
        409: 'The run no longer waits there: decided already, timed out or ended',
      },
    },
  },
};
