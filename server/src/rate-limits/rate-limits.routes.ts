import { putRateLimitsBody, type RateLimitsView } from '@pipewright/api-contract';
import type { RateLimitsRecord } from '@pipewright/run-contract';
import { Router } from 'express';
import type { AuditService } from '../auth/audit.service.ts';
import { getAuth, requireRole } from '../auth/auth-context.ts';
import { parseRequest } from '../errors.ts';
import type { RateLimitsRepository } from './rate-limits.repository.ts';

const toView = (record: RateLimitsRecord | null): RateLimitsView => ({
  limits: record?.limits ?? {},
  updatedAt: record?.updatedAt.toISOString() ?? null,
  updatedBy: record?.updatedBy ?? null,
});

/**
 * A workspace's rate limits per connector (docs/adr/019-shared-rate-limits.md): every member reads them (a builder
 * sees why a step waited); admins set them, audited.  Workers apply a change within a few seconds.
 */
export function createRateLimitsRouter(deps: { rateLimits: RateLimitsRepository; audit: AuditService }): Router {
  const { rateLimits, audit } = deps;
  const router = Router();

  router.get('/rate-limits', requireRole('viewer'), async (_req, res) => {
    res.json(toView(await rateLimits.get(getAuth(res).workspaceId)));
  });

  router.put('/rate-limits', requireRole('admin'), async (req, res) => {
    const { limits } = parseRequest(putRateLimitsBody, req.body);
    const auth = getAuth(res);
    const record = await rateLimits.put(auth.workspaceId, limits, auth.email);
    await audit.record(auth, {
      action: 'rate_limits.update',
      target: { type: 'workspace', id: auth.workspaceId },
      details: { limits },
    });
    res.json(toView(record));
  });

  return router;
}
