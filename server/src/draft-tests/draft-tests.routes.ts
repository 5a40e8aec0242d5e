import { startDraftTestBody } from '@pipewright/api-contract';
import { Router } from 'express';
import { getAuth, requireRole } from '../auth/auth-context.ts';
import { parseRequest } from '../errors.ts';
import type { DraftTestsService } from './draft-tests.service.ts';

/** "Test against recent runs" (docs/adr/016): start a test of the saved draft (builder), read tests (viewer). */
export function createDraftTestsRouter(deps: { draftTests: DraftTestsService }): Router {
  const { draftTests } = deps;
  const router = Router();

  router.post('/flows/:id/draft-tests', requireRole('builder'), async (req, res) => {
    const body = parseRequest(startDraftTestBody, req.body ?? {});
    res.status(202).json(await draftTests.start(getAuth(res), req.params.id, body));
  });

  router.get('/flows/:id/draft-tests', requireRole('viewer'), async (req, res) => {
    res.json({ items: await draftTests.list(getAuth(res).workspaceId, req.params.id) });
  });

  router.get('/flows/:id/draft-tests/:testId', requireRole('viewer'), async (req, res) => {
    res.json(await draftTests.get(getAuth(res).workspaceId, req.params.id, req.params.testId));
  });

  return router;
}
