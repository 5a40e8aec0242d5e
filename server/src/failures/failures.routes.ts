import { failureActionBody } from '@pipewright/api-contract';
import { type Response, Router } from 'express';
import { z } from 'zod';
import { getAuth, requireRole } from '../auth/auth-context.ts';
import { parseRequest } from '../errors.ts';
import type { FailureAction, FailuresService } from './failures.service.ts';

const idPattern = /^[A-Za-z0-9_-]{1,100}$/;
const listFailuresQuery = z.object({
  flowId: z.string().regex(idPattern, 'must be a flow id').optional(),
  /** `error`: the groups (causes) instead of the failures. */
  groupBy: z.literal('error').optional(),
  errorGroup: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be an error group id')
    .optional(),
  cursor: z.string().max(1000).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});

export function createFailuresRouter(deps: { failures: FailuresService }): Router {
  const { failures } = deps;
  const router = Router();
  const workspaceOf = (res: Response): string => getAuth(res).workspaceId;

  router.get('/failures', requireRole('viewer'), async (req, res) => {
    const query = parseRequest(listFailuresQuery, req.query, 'query');
    if (query.groupBy === 'error') {
      res.json({ groups: await failures.groups(workspaceOf(res), query.flowId) });
      return;
    }
    res.json(await failures.list(workspaceOf(res), query));
  });

  for (const action of ['retry', 'rerun', 'dismiss'] as const satisfies FailureAction[]) {
    router.post(`/failures/${action}`, requireRole('builder'), async (req, res) => {
      const body = parseRequest(failureActionBody, req.body);
      res.json({ results: await failures.act(getAuth(res), action, body) });
    });
  }

  return router;
}
