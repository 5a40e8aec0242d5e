import { pauseFlowBody, pauseStepsBody } from '@pipewright/api-contract';
import { Router } from 'express';
import { getAuth, requireRole } from '../auth/auth-context.ts';
import { parseRequest } from '../errors.ts';
import type { PausesService } from './pauses.service.ts';

/**
 * Kill switches: `GET /pauses` (viewer) lists what is paused; a flow is paused and resumed by builders
 * (`POST|DELETE /flows/:id/pause`), a connector type or credential for the whole workspace by admins
 * (`POST|DELETE /pauses/connectors/:connector`, `/pauses/credentials/:id`).
 */
export function createPausesRouter(deps: { pauses: PausesService }): Router {
  const { pauses } = deps;
  const router = Router();

  router.get('/pauses', requireRole('viewer'), async (_req, res) => {
    res.json(await pauses.list(getAuth(res).workspaceId));
  });

  router.get('/flows/:id/pause', requireRole('viewer'), async (req, res) => {
    res.json(await pauses.flowState(getAuth(res).workspaceId, req.params.id));
  });

  router.post('/flows/:id/pause', requireRole('builder'), async (req, res) => {
    const body = parseRequest(pauseFlowBody, req.body);
    res.json(await pauses.pauseFlow(getAuth(res), req.params.id, body));
  });

  router.delete('/flows/:id/pause', requireRole('builder'), async (req, res) => {
    res.json(await pauses.resumeFlow(getAuth(res), req.params.id));
  });

  router.post('/pauses/connectors/:connector', requireRole('admin'), async (req, res) => {
    const body = parseRequest(pauseStepsBody, req.body ?? {});
    res.json(await pauses.pauseConnector(getAuth(res), req.params.connector, body));
  });

  router.delete('/pauses/connectors/:connector', requireRole('admin'), async (req, res) => {
    await pauses.resumeConnector(getAuth(res), req.params.connector);
    res.status(204).end();
  });

  router.post('/pauses/credentials/:id', requireRole('admin'), async (req, res) => {
    const body = parseRequest(pauseStepsBody, req.body ?? {});
    res.json(await pauses.pauseCredential(getAuth(res), req.params.id, body));
  });

  router.delete('/pauses/credentials/:id', requireRole('admin'), async (req, res) => {
    await pauses.resumeCredential(getAuth(res), req.params.id);
    res.status(204).end();
  });

  return router;
}
