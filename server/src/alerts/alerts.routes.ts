import { createAlertRuleBody, updateAlertRuleBody } from '@pipewright/api-contract';
import { Router } from 'express';
import { z } from 'zod';
import { getAuth, requireRole } from '../auth/auth-context.ts';
import { parseRequest } from '../errors.ts';
import type { AlertsService } from './alerts.service.ts';

const flowIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,100}$/, 'must be a flow id');
const listQuery = z.object({ flowId: flowIdSchema.optional() });
const eventsQuery = z.object({
  flowId: flowIdSchema.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/**
 * Alert rules of flows (`/api/alerts`): viewers list rules and the alerts they sent; builders create, change, test
 * and delete them (audited).
 */
export function createAlertsRouter(deps: { alerts: AlertsService }): Router {
  const { alerts } = deps;
  const router = Router();

  router.get('/alerts', requireRole('viewer'), async (req, res) => {
    const { flowId } = parseRequest(listQuery, req.query, 'query');
    res.json({ items: await alerts.list(getAuth(res).workspaceId, flowId) });
  });

  router.post('/alerts', requireRole('builder'), async (req, res) => {
    const body = parseRequest(createAlertRuleBody, req.body);
    res.status(201).json(await alerts.create(getAuth(res), body));
  });

  router.get('/alerts/events', requireRole('viewer'), async (req, res) => {
    const { flowId, limit } = parseRequest(eventsQuery, req.query, 'query');
    res.json({ items: await alerts.events(getAuth(res).workspaceId, { flowId, limit }) });
  });

  router.get('/alerts/:id', requireRole('viewer'), async (req, res) => {
    res.json(await alerts.get(getAuth(res).workspaceId, req.params.id));
  });

  router.patch('/alerts/:id', requireRole('builder'), async (req, res) => {
    const body = parseRequest(updateAlertRuleBody, req.body);
    res.json(await alerts.update(getAuth(res), req.params.id, body));
  });

  router.delete('/alerts/:id', requireRole('builder'), async (req, res) => {
    await alerts.delete(getAuth(res), req.params.id);
    res.status(204).end();
  });

  router.post('/alerts/:id/test', requireRole('builder'), async (req, res) => {
    res.status(202).json(await alerts.test(getAuth(res), req.params.id));
  });

  router.get('/alerts/:id/events', requireRole('viewer'), async (req, res) => {
    const { limit } = parseRequest(eventsQuery, req.query, 'query');
    res.json({ items: await alerts.events(getAuth(res).workspaceId, { ruleId: req.params.id, limit }) });
  });

  return router;
}
