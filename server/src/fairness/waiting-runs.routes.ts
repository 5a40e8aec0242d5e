import type { WaitingRunsView } from '@pipewright/api-contract';
import { Router } from 'express';
import { getAuth, requireRole } from '../auth/auth-context.ts';
import type { FlowsRepository } from '../flows/flows.repository.ts';
import type { WaitingRuns } from './waiting-runs.ts';

/** The flows listed, most waiting first (the totals count them all). */
const MAX_FLOWS_LISTED = 100;

/** The workspace's runs waiting to start, per flow (the runs list and the Health page show them). */
export function createWaitingRunsRouter(deps: {
  waiting: WaitingRuns;
  flows: Pick<FlowsRepository, 'findById'>;
  now?: () => number;
}): Router {
  const now = deps.now ?? Date.now;
  const router = Router();
  router.get('/waiting-runs', requireRole('viewer'), async (_req, res) => {
    const { workspaceId } = getAuth(res);
    const summary = await deps.waiting.summary(workspaceId);
    const at = now();
    const ageOf = (acceptedAt: number | undefined) => (acceptedAt === undefined ? null : Math.max(0, at - acceptedAt));
    // Few flows wait at once; each is read by `_id` (the flow's name, or null once deleted).
    const flows = await Promise.all(
      summary.flows.slice(0, MAX_FLOWS_LISTED).map(async (flow) => ({
        flowId: flow.flowId,
        flowName: (await deps.flows.findById(workspaceId, flow.flowId))?.name ?? null,
        waiting: flow.waiting,
        oldestAgeMs: ageOf(flow.oldestAcceptedAt),
        refused: flow.refused,
      })),
    );
    const { settings } = deps.waiting;
    const view: WaitingRunsView = {
      waiting: summary.waiting,
      oldestAgeMs: ageOf(summary.oldestAcceptedAt),
      refused: summary.refused,
      flows,
      ceilings: { workspace: settings.perWorkspace, flow: settings.perFlow },
      windowMinutes: settings.windowMinutes,
    };
    res.json(view);
  });
  return router;
}
