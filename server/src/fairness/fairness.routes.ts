import { type FairnessView, putFairnessBody } from '@pipewright/api-contract';
import { DEFAULT_FAIRNESS_WEIGHT, type FairnessRecord, MAX_FAIRNESS_WEIGHT } from '@pipewright/run-contract';
import { Router } from 'express';
import type { AuditService } from '../auth/audit.service.ts';
import { type AuthContext, getAuth, requireRole } from '../auth/auth-context.ts';
import { ApiError, parseRequest } from '../errors.ts';
import type { FairnessRepository } from './fairness.repository.ts';

/** The most a workspace admin may give its own workspace: an equal share.  More is a plan tier, set by an operator. */
const WORKSPACE_ADMIN_MAX_WEIGHT = DEFAULT_FAIRNESS_WEIGHT;

/**
 * A workspace's weight (docs/adr/027): every member reads it; an admin may lower it (a workspace of batch jobs giving
 * way to the others); only an instance operator (`PIPEWRIGHT_INSTANCE_ADMINS`) may raise it above an equal share.
 */
export function createFairnessRouter(deps: {
  fairness: FairnessRepository;
  audit: AuditService;
  /** E-mail addresses of the instance's operators (lower case). */
  instanceAdmins: ReadonlySet<string>;
  /** `PIPEWRIGHT_MAX_WAITING_RUNS_PER_WORKSPACE` (0: none): a workspace's own ceiling may only be lower. */
  instanceMaxWaitingRuns: number;
}): Router {
  const { fairness, audit, instanceAdmins, instanceMaxWaitingRuns } = deps;
  const router = Router();
  const maxWeightOf = (auth: AuthContext): number => {
    if (instanceAdmins.has(auth.email.toLowerCase())) return MAX_FAIRNESS_WEIGHT;
    return auth.role === 'admin' ? WORKSPACE_ADMIN_MAX_WEIGHT : 0;
  };
  const toView = (record: FairnessRecord | null, auth: AuthContext): FairnessView => ({
    weight: record?.weight ?? DEFAULT_FAIRNESS_WEIGHT,
    maxWeight: maxWeightOf(auth),
    updatedAt: record?.updatedAt.toISOString() ?? null,
    updatedBy: record?.updatedBy ?? null,
    maxWaitingRuns: record?.maxWaitingRuns ?? null,
    instanceMaxWaitingRuns,
  });

  router.get('/fairness', requireRole('viewer'), async (_req, res) => {
    const auth = getAuth(res);
    res.json(toView(await fairness.get(auth.workspaceId), auth));
  });

  router.put('/fairness', requireRole('admin'), async (req, res) => {
    const { weight, maxWaitingRuns } = parseRequest(putFairnessBody, req.body);
    const auth = getAuth(res);
    const maxWeight = maxWeightOf(auth);
    if (typeof maxWaitingRuns === 'number' && instanceMaxWaitingRuns > 0 && maxWaitingRuns > instanceMaxWaitingRuns) {
      throw new ApiError(
        400,
        'invalid_request',
        `maxWaitingRuns: must be at most ${instanceMaxWaitingRuns}, the instance's ceiling (PIPEWRIGHT_MAX_WAITING_RUNS_PER_WORKSPACE); a workspace's own ceiling can only lower it`,
      );
    }
    if (weight !== undefined && weight > maxWeight) {
      throw new ApiError(
        403,
        'forbidden',
        `weight: a workspace admin may set at most ${maxWeight} (an equal share); a larger share is set by an instance operator (PIPEWRIGHT_INSTANCE_ADMINS)`,
      );
    }
    const record = await fairness.put(auth.workspaceId, { weight, maxWaitingRuns }, auth.email);
    await audit.record(auth, {
      action: 'fairness.update',
      target: { type: 'workspace', id: auth.workspaceId },
      details: {
        ...(weight === undefined ? {} : { weight }),
        ...(maxWaitingRuns === undefined ? {} : { maxWaitingRuns }),
      },
    });
    res.json(toView(record, auth));
  });

  return router;
}
