import { inferContractBody } from '@pipewright/api-contract';
import { type Response, Router } from 'express';
import { z } from 'zod';
import { getAuth, requireRole } from '../auth/auth-context.ts';
import { parseRequest } from '../errors.ts';
import type { ContractsService } from './contracts.service.ts';

const violationsQuery = z.object({
  hours: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 31)
    .default(24),
});

/** A webhook's body contract: infer one from sample bodies (builders edit it in the inspector), count violations. */
export function createContractsRouter(deps: { contracts: ContractsService }): Router {
  const { contracts } = deps;
  const router = Router();
  const workspaceOf = (res: Response): string => getAuth(res).workspaceId;

  router.post('/flows/:id/contract/infer', requireRole('builder'), async (req, res) => {
    const body = parseRequest(inferContractBody, req.body);
    res.json(await contracts.infer(workspaceOf(res), req.params.id, body));
  });

  router.get('/flows/:id/contract/violations', requireRole('viewer'), async (req, res) => {
    const { hours } = parseRequest(violationsQuery, req.query, 'query');
    res.json(await contracts.violations(workspaceOf(res), req.params.id, hours, new Date()));
  });

  return router;
}
