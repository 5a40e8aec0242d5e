import { Router } from 'express';
import { z } from 'zod';
import { getAuth, requireRole } from '../auth/auth-context.ts';
import { ApiError, parseRequest } from '../errors.ts';
import type { CatalogService } from './catalog.service.ts';

const stepVersionParams = z.object({
  type: z.string().min(1).max(200),
  version: z.coerce.number().int('must be a whole number').min(1, 'must be 1 or more'),
});

export function createCatalogRouter(deps: { catalog: CatalogService }): Router {
  const router = Router();
  router.get('/catalog', requireRole('viewer'), async (_req, res) => {
    res.json({ steps: await deps.catalog.forWorkspace(getAuth(res).workspaceId) });
  });
  // A node pinned to an older step version shows that version's form: the catalog keeps every published version.
  router.get('/catalog/steps/:type/versions/:version', requireRole('viewer'), async (req, res) => {
    const { type, version } = parseRequest(stepVersionParams, req.params, 'params');
    const step = await deps.catalog.stepVersion(getAuth(res).workspaceId, type, version);
    if (!step) throw new ApiError(404, 'not_found', `Step type "${type}" has no version ${version} in this workspace`);
    res.json({ step });
  });
  return router;
}
