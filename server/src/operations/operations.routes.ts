import type { apiRoutes } from '@pipewright/api-contract/routes';
import { HEALTH_WINDOWS, type HealthResponse } from '@pipewright/operations';
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

/**
 * The contract's schema of this answer is written in api-contract (which may not import @pipewright/operations):
 * these two conversions compile only while it and `HealthResponse` describe the same JSON, in both directions.
 */
type HealthAnswer = z.infer<(typeof apiRoutes)['/api/operations/health']['get']['responses'][200]['body']>;
const _answerOf = (health: HealthResponse): HealthAnswer => health;
const _healthOf = (answer: HealthAnswer): HealthResponse => answer;

export function createOperationsRouter(deps: { operations: OperationsService }): Router {
  const router = Router();
  router.get('/operations/health', requireRole('viewer'), async (req, res) => {
    const query = parseRequest(healthQuery, req.query, 'query');
    res.json(await deps.operations.health(getAuth(res).workspaceId, query));
  });
  return router;
}
