import { HEALTH_WINDOWS } from '@pipewright/operations';
import { Router } from 'express';
import { z } from 'zod';
import { getAuth, requireRole } from '../auth/auth-context.ts';
import { parseRequest } from '../errors.ts';
import type { OperationsService } from './operations.service.ts';

const healthQuery = z.object({
  window: z.enum(HEALTH_WINDOWS).default('24h'),
  flowId: z.string().min(1).max(200).optional(),
  connector: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'must be a connector type such as http or postgres')
    .optional(),
});

export function createOperationsRouter(deps: { operations: OperationsService }): Router {
  const router = Router();
  router.get('/operations/health', requireRole('viewer'), async (req, res) => {
    const query = parseRequest(healthQuery, req.query, 'query');
    res.json(await deps.operations.health(getAuth(res).workspaceId, query));
  });
  return router;
}
