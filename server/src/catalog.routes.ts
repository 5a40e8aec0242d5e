import { Router } from 'express';
import type { CatalogService } from './catalog.service.ts';

export function createCatalogRouter(deps: { catalog: CatalogService }): Router {
  const router = Router();
  router.get('/catalog', (_req, res) => {
    res.json({ steps: deps.catalog.manifests });
  });
  return router;
}
