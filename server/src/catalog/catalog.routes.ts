import { Router } from 'express';
import { getAuth, requireRole } from '../auth/auth-context.ts';
import type { CatalogService } from './catalog.service.ts';

export function createCatalogRouter(deps: { catalog: CatalogService }): Router {
  const router = Router();
  router.get('/catalog', requireRole('viewer'), async (_req, res) => {
    res.json({ steps: await deps.catalog.forWorkspace(getAuth(res).workspaceId) });
  });
  return router;
}
