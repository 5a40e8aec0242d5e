import { type Response, Router } from 'express';
import { getAuth, requireRole } from '../auth/auth-context.ts';
import type { FlowImportService } from './flow-import.service.ts';

/**
 * `POST /flows/import` (builder): a flow file (or `{ file, name? }`) becomes a new draft flow; the answer carries the
 * import report (credentials to pick, flows it names that this workspace lacks).  A bad file is a 400 naming the field.
 */
export function createFlowImportRouter(deps: { imports: FlowImportService }): Router {
  const router = Router();
  const workspaceOf = (res: Response): string => getAuth(res).workspaceId;

  router.post('/flows/import', requireRole('builder'), async (req, res) => {
    res.status(201).json(await deps.imports.import(workspaceOf(res), req.body));
  });

  return router;
}
