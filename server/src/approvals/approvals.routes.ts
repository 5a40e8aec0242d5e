import { type ApprovalsResponse, decideApprovalBody } from '@pipewright/api-contract';
import { Router } from 'express';
import { z } from 'zod';
import { getAuth, requireRole } from '../auth/auth-context.ts';
import { parseRequest } from '../errors.ts';
import type { ApprovalsService } from './approvals.service.ts';

const decideParams = z.object({
  runId: z.string().min(1).max(200),
  nodeId: z.string().min(1).max(100),
});

/**
 * Approvals (docs/adr/018): any member (viewer and up) lists what they may decide, `GET /approvals`, and decides one,
 * `POST /approvals/:runId/:nodeId { decision: 'approve' | 'reject', comment? }` — 403 for a member the flow does not
 * name, 409 once the run no longer waits there (decided already, timed out, ended).
 */
export function createApprovalsRouter(deps: { approvals: ApprovalsService }): Router {
  const router = Router();

  router.get('/approvals', requireRole('viewer'), async (_req, res) => {
    res.json({ approvals: await deps.approvals.listFor(getAuth(res)) } satisfies ApprovalsResponse);
  });

  router.post('/approvals/:runId/:nodeId', requireRole('viewer'), async (req, res) => {
    const where = parseRequest(decideParams, req.params, 'params');
    const body = parseRequest(decideApprovalBody, req.body);
    res.json(await deps.approvals.decide(getAuth(res), where, body));
  });

  return router;
}
