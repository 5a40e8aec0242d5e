import { type Response, Router } from 'express';
import { getAuth, requireRole } from '../auth/auth-context.ts';
import type { TriggersService } from '../hooks/triggers.service.ts';
import type { SchedulesService } from './schedules.service.ts';

/** A flow's schedule (state, next five fire times, pause/resume) and its webhook secret rotation. */
export function createTriggerRoutes(deps: { schedules: SchedulesService; triggers: TriggersService }): Router {
  const { schedules, triggers } = deps;
  const router = Router();
  const workspaceOf = (res: Response): string => getAuth(res).workspaceId;

  router.get('/flows/:id/schedule', requireRole('viewer'), async (req, res) => {
    res.json(await schedules.get(workspaceOf(res), req.params.id));
  });

  router.post('/flows/:id/schedule/pause', requireRole('builder'), async (req, res) => {
    res.json(await schedules.pause(workspaceOf(res), req.params.id));
  });

  router.post('/flows/:id/schedule/resume', requireRole('builder'), async (req, res) => {
    res.json(await schedules.resume(workspaceOf(res), req.params.id));
  });

  router.post('/flows/:id/webhook-secret/rotate', requireRole('builder'), async (req, res) => {
    res.set('cache-control', 'no-store');
    res.status(201).json(await triggers.rotateWebhookSecret(workspaceOf(res), req.params.id));
  });

  return router;
}
