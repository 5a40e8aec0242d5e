import type { RolloutResponse } from '@pipewright/api-contract';
import { Router } from 'express';
import type { AuditService } from '../auth/audit.service.ts';
import { getAuth, requireRole } from '../auth/auth-context.ts';
import type { FlowsService } from '../flows/flows.service.ts';
import type { RolloutsService } from './rollouts.service.ts';

/**
 * A flow's rollout (docs/adr/017): compared (viewer), promoted or rolled back (builder, audited).  It is started by
 * `POST /flows/:id/publish` with `{ rollout: { percent } }` (flows.routes.ts).
 */
export function createRolloutsRouter(deps: {
  flows: FlowsService;
  rollouts: RolloutsService;
  audit: AuditService;
}): Router {
  const { flows, rollouts, audit } = deps;
  const router = Router();

  router.get('/flows/:id/rollout', requireRole('viewer'), async (req, res) => {
    const answer: RolloutResponse = { rollout: await rollouts.view(getAuth(res).workspaceId, req.params.id) };
    res.json(answer);
  });

  router.post('/flows/:id/rollout/promote', requireRole('builder'), async (req, res) => {
    const promoted = await flows.endRollout(getAuth(res).workspaceId, req.params.id, true);
    await audit.record(getAuth(res), {
      action: 'flow.rollout.promote',
      target: { type: 'flow', id: req.params.id },
      details: { version: promoted.version },
    });
    res.json(promoted);
  });

  router.post('/flows/:id/rollout/rollback', requireRole('builder'), async (req, res) => {
    const rolledBack = await flows.endRollout(getAuth(res).workspaceId, req.params.id, false);
    await audit.record(getAuth(res), {
      action: 'flow.rollout.rollback',
      target: { type: 'flow', id: req.params.id },
      details: { version: rolledBack.version },
    });
    res.json({ version: rolledBack.version });
  });

  return router;
}
